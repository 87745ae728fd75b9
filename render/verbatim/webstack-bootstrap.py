#!/usr/bin/python3
# webstack boot script, the only program in the user data: fetches this server's
# configuration bundle from S3, installs the applier the bundle carries and runs its first
# apply. Everything else arrives in the bundle, so the user data stays the same bytes
# across configuration changes and the server is never replaced for one.
import os
import subprocess
import sys
import time

import yaml

APPLIER = "/usr/local/sbin/webstack-apply"
BUNDLE = "/var/lib/webstack/apply/boot-bundle.yaml"

with open("/etc/webstack/bundle.env", encoding="utf-8") as f:
    env = dict(line.split("=", 1) for line in f.read().splitlines() if "=" in line and not line.startswith("#"))
os.makedirs(os.path.dirname(BUNDLE), mode=0o700, exist_ok=True)
command = ["aws", "--region", env["AWS_REGION"], "s3api", "get-object", "--bucket", env["BUNDLE_BUCKET"], "--key", env["BUNDLE_KEY"], BUNDLE]
for attempt in range(1, 9):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode == 0:
        break
    # The instance role can take a few seconds to be usable after boot.
    print(f"webstack-bootstrap: s3://{env['BUNDLE_BUCKET']}/{env['BUNDLE_KEY']}: {done.stderr.strip()}", file=sys.stderr)
    time.sleep(attempt * 5)
else:
    sys.exit(1)
with open(BUNDLE, encoding="utf-8") as f:
    files = yaml.safe_load(f).get("write_files", [])
applier = next((entry for entry in files if entry.get("path") == APPLIER), None)
if applier is None:
    sys.exit(f"webstack-bootstrap: the bundle has no {APPLIER}")
with open(APPLIER, "w", encoding="utf-8") as f:
    f.write(applier["content"])
os.chmod(APPLIER, 0o700)
os.execv(APPLIER, [APPLIER, "--bundle-file", BUNDLE])
