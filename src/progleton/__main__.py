from progleton.cli import main

main()
