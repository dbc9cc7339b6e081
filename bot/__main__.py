"""`python -m bot` does the same as the `studybot` console script."""

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
