"""Command line: ``python -m skastro demo``."""

import sys


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m skastro")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the worked examples on real data")
    demo.add_argument(
        "--output", default="skastro_demo_output", help="folder for the figures"
    )
    demo.add_argument("--data-home", default=None, help="data cache folder")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from skastro._demo import run_demo

        return run_demo(output=args.output, data_home=args.data_home)
    return 2


if __name__ == "__main__":
    sys.exit(main())
