"""python -m sheetsync.emulator [--host 127.0.0.1] [--port 8555] [--state DIR] [--strict] [--quota google]
[--quota-clock-scale N] [--drive-lag SECONDS]"""
from __future__ import annotations

import argparse
import pickle
import signal
import sys
import threading

from sheetsync.emulator import Emulator
from sheetsync.emulator.boundary import ADMIN_HEADER, OpenModeBeyondLoopback, is_loopback
from sheetsync.emulator.persist import UnsafeStateFile


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sheetsync emulator",
                                     description="Local Google Sheets v4 / Drive v3 / OAuth2 emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback only; another address needs --strict)")
    parser.add_argument("--port", type=int, default=8555, help="port (0 = any free port)")
    parser.add_argument("--state", default=None, metavar="DIR", help="keep spreadsheets in DIR across restarts")
    parser.add_argument("--strict", action="store_true", help="verify service-account keys and sharing")
    parser.add_argument("--quota", choices=["google"], default=None,
                        help="apply Google's per-minute request quotas (Sheets: 60 per user, 300 per project, "
                             "reads and writes apart; Drive: 12,000 per user and per project)")
    parser.add_argument("--quota-clock-scale", type=float, default=1.0, metavar="N",
                        help="run the quota's minute N times faster than real time (10: a 6-second window)")
    parser.add_argument("--drive-lag", type=float, default=0.0, metavar="SECONDS",
                        help="show an edit in Drive's modifiedTime and version this many seconds late (default 0)")
    parser.add_argument("--locale", default="en_US",
                        help="locale of new spreadsheets, e.g. id_ID (default en_US, as for a service account)")
    parser.add_argument("--time-zone", default="Etc/GMT", metavar="TZ",
                        help="time zone of new spreadsheets, e.g. Asia/Jakarta (default Etc/GMT)")
    args = parser.parse_args(argv)
    try:
        emu = Emulator(strict=args.strict, quota=args.quota, state_dir=args.state, host=args.host, port=args.port,
                       locale=args.locale, time_zone=args.time_zone, drive_lag_s=args.drive_lag,
                       quota_clock_scale=args.quota_clock_scale)
    except ValueError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    except OpenModeBeyondLoopback as exc:
        print(f"cannot listen on {args.host}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cannot use the state directory {args.state}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        emu.start()
    except UnsafeStateFile as exc:
        print(f"the state in {args.state} cannot be read: {exc.filename} is {exc.strerror}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
        print(f"the state in {args.state} cannot be read ({type(exc).__name__}); move it away or pick "
              "another --state directory", file=sys.stderr)
        return 2
    loopback = is_loopback(args.host)
    print(f"sheetsync emulator listening on {emu.url}", flush=True)
    print("bound to loopback only" if loopback else f"WARNING: bound to {args.host}, reachable from the network",
          flush=True)
    print(f"mode: {'strict' if args.strict else 'open (any token accepted)'}"
          f"{', quota: google' if args.quota else ''}"
          f"{f' (clock x{args.quota_clock_scale:g})' if args.quota and args.quota_clock_scale != 1 else ''}"
          f"{f', Drive lag: {args.drive_lag:g} s' if args.drive_lag else ''}"
          f"{f', state: {args.state} ({emu.loaded} spreadsheets loaded)' if args.state else ', in memory'}",
          flush=True)
    if emu.admin_token:
        # Printed once, here only: whoever can read this terminal may use the admin paths.
        print(f"admin token (for /_emulator/ and the web view): {emu.admin_token}", flush=True)
        print(f"web view: {emu.url}/view?token={emu.admin_token}", flush=True)
    if args.strict:
        print(f"issue a key: curl -X POST {emu.url}/_emulator/keys -H '{ADMIN_HEADER}: {emu.admin_token}' "
              f"-H 'Content-Type: application/json' -d '{{\"email\": \"bot@example.iam.gserviceaccount.com\"}}'",
              flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # save state on `kill` too, not only Ctrl-C
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        print("stopping", flush=True)
        emu.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
