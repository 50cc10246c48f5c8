from generator.cli.main import main

if __name__ == "__main__":  # not when a spawned desk worker imports it again
    main()
