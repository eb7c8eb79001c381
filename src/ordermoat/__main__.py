from ordermoat.cli import main

main()
