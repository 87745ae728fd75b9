#!/usr/bin/python3
"""webstack-apply: applies this server's configuration bundle.

Shipped by webstack inside the bundle it applies, so a new applier reaches a running server
by the same path as a new configuration, without replacing it.

The bundle is a cloud-config document (packages, write_files, runcmd) with a `webstack`
section: system users, SSM secrets (parameter -> file) and services (the files each one
reads, the commands that check them, the commands that reload it).

First apply (from the boot script): packages, users, files, secrets, then runcmd, in order.
Every later apply (timer, boot, or `systemctl start webstack-apply`): fetch the bundle, stage
every file whose bytes, mode or owner differ and every secret whose SSM version changed,
check each affected service against the staged files in a private mount namespace, swap
the files atomically and reload each affected service gracefully. A bundle that fails a
check changes nothing: the last good configuration keeps running, and the failure is
reported to the journal and to Datadog (service check webstack.config.apply, DogStatsD).
"""
import argparse
import fcntl
import grp
import json
import os
import pwd
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time

import yaml

ENV_FILE = "/etc/webstack/bundle.env"
STATE_DIR = "/var/lib/webstack/apply"
APPLIED = os.path.join(STATE_DIR, "applied.yaml")
SECRET_VERSIONS = os.path.join(STATE_DIR, "secret-versions.json")
RESULT = os.path.join(STATE_DIR, "last-result.json")
FAILED_COMMANDS = os.path.join(STATE_DIR, "failed-boot-commands.json")
VOLUMES = os.path.join(STATE_DIR, "volumes.json")
DEVICE_WAIT_SECONDS = 600
LOCK = "/run/webstack-apply.lock"
SERVICE_CHECK = "webstack.config.apply"
DOGSTATSD = ("127.0.0.1", 8125)


class ApplyError(Exception):
    pass


def log(message):
    print(f"webstack-apply: {message}", flush=True)


def read_env(path=ENV_FILE):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                env[key] = value
    for key in ("AWS_REGION", "BUNDLE_BUCKET", "BUNDLE_KEY"):
        if not env.get(key):
            raise ApplyError(f"{path} has no {key}")
    return env


def aws(env, args, attempts=6):
    """The AWS CLI with the instance role; retried, because the role can lag the boot."""
    command = ["aws", "--region", env["AWS_REGION"], "--output", "json", *args]
    for attempt in range(1, attempts + 1):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode == 0:
            return done.stdout
        if attempt == attempts:
            raise ApplyError(f"aws {' '.join(args[:2])} failed: {done.stderr.strip()[-400:]}")
        time.sleep(attempt * 5)
    raise AssertionError("unreachable")


def fetch_bundle(env, destination):
    out = aws(env, ["s3api", "get-object", "--bucket", env["BUNDLE_BUCKET"], "--key", env["BUNDLE_KEY"], destination])
    return json.loads(out).get("VersionId", "")


def load_bundle(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.startswith("#cloud-config\n"):
        raise ApplyError("the bundle is not a #cloud-config document")
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ApplyError(f"the bundle is not valid YAML: {error}")
    if not isinstance(doc, dict) or not isinstance(doc.get("webstack"), dict):
        raise ApplyError("the bundle has no webstack section")
    for entry in doc.get("write_files", []):
        if not (isinstance(entry, dict) and isinstance(entry.get("path"), str) and entry["path"].startswith("/") and isinstance(entry.get("content"), str)):
            raise ApplyError(f"write_files entry without an absolute path and text content: {str(entry)[:120]}")
        int(str(entry.get("permissions", "0644")), 8)
    section = doc["webstack"]
    for service in section.get("services", []):
        for key in ("name", "paths", "checks", "reload"):
            if key not in service:
                raise ApplyError(f"service {service.get('name', '?')} has no {key}")
    return doc


def ids(owner):
    user, _, group = (owner or "root:root").partition(":")
    return pwd.getpwnam(user).pw_uid, grp.getgrnam(group or user).gr_gid


def differs(path, data, mode, owner):
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return True
    if stat.S_IMODE(st.st_mode) != mode or (st.st_uid, st.st_gid) != ids(owner):
        return True
    with open(path, "rb") as f:
        return f.read() != data


def write_file(path, data, mode, owner):
    """Writes beside the target and renames over it: readers see the old file or the new one."""
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o755, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".webstack-apply-")
    try:
        os.write(fd, data)
        os.fchmod(fd, mode)
        os.fchown(fd, *ids(owner))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)


def desired_files(doc):
    return [
        {"path": f["path"], "data": f["content"].encode("utf-8"), "mode": int(str(f.get("permissions", "0644")), 8), "owner": f.get("owner", "root:root")}
        for f in doc.get("write_files", [])
    ]


def secret_version(env, parameter):
    out = aws(env, ["ssm", "get-parameter", "--name", parameter])
    return json.loads(out)["Parameter"]["Version"]


def secret_value(env, parameter):
    out = aws(env, ["ssm", "get-parameter", "--name", parameter, "--with-decryption"])
    parameter = json.loads(out)["Parameter"]
    return parameter["Value"].encode("utf-8") + b"\n", parameter["Version"]


def load_json(path, default):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def save_json(path, value):
    write_file(path, json.dumps(value, indent=2, sort_keys=True).encode("utf-8") + b"\n", 0o600, "root:root")


def run(command, what):
    done = subprocess.run(command if isinstance(command, list) else ["sh", "-c", command], capture_output=True, text=True)
    if done.returncode != 0:
        raise ApplyError(f"{what}: {' '.join(command) if isinstance(command, list) else command} exited {done.returncode}: {(done.stderr or done.stdout).strip()[-600:]}")
    return done.stdout


def install_packages(packages):
    if not packages:
        return
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "-o", "Dpkg::Options::=--force-confold", "--quiet", "--assume-yes"]
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([*apt, "update"], [*apt, "install", *packages]):
        done = subprocess.run(command, capture_output=True, text=True, env=environment)
        if done.returncode != 0:
            raise ApplyError(f"{' '.join(command[:6])}… exited {done.returncode}: {done.stderr.strip()[-600:]}")


def ensure_users(users):
    """System users through systemd-sysusers, declared in /etc/sysusers.d: it waits for the
    /etc/passwd lock, where useradd fails, or makes systemd-sysusers.service fail, when a package's
    postinst runs sysusers at the same moment."""
    for user in users:
        try:
            pwd.getpwnam(user)
        except KeyError:
            declaration = f"/etc/sysusers.d/webstack-{user}.conf"
            write_file(declaration, f"u {user} - \"webstack {user}\" - /usr/sbin/nologin\n".encode("utf-8"), 0o644, "root:root")
            run(["systemd-sysusers", declaration], f"creating user {user}")


def volume_devices(volume):
    """Where an attached EBS volume appears: an NVMe by-id link on Nitro, the requested name or its Xen twin otherwise."""
    return [
        f"/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_{volume['volumeId'].replace('-', '')}",
        volume["device"],
        volume["device"].replace("/dev/sd", "/dev/xvd"),
    ]


def labelled_device(label):
    done = subprocess.run(["blkid", "-L", label], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def mount_volume(volume, wait_seconds=DEVICE_WAIT_SECONDS):
    """Mounts the volume by its file-system label, formatting it first only if it holds no file
    system at all: a volume that already has data (a replaced server's) is mounted as it is, and
    one with a foreign file system is refused rather than formatted."""
    mount_point, label = volume["mountPoint"], volume["label"]
    if os.path.ismount(mount_point):
        mounted = subprocess.run(["findmnt", "-n", "-o", "LABEL", mount_point], capture_output=True, text=True).stdout.strip()
        if mounted != label:
            raise ApplyError(f"{mount_point} is mounted, but not from the volume labelled {label} ({mounted or 'no label'})")
        return f"{mount_point} already mounted"
    formatted = False
    if labelled_device(label) is None:
        # The attachment is made after the instance exists: wait for the device to appear.
        deadline = time.time() + wait_seconds
        device = None
        while device is None:
            device = next((d for d in volume_devices(volume) if os.path.exists(d)), None)
            if device is None:
                if time.time() > deadline:
                    raise ApplyError(f"data volume {volume['volumeId']} did not appear at any of {', '.join(volume_devices(volume))} within {wait_seconds} s")
                time.sleep(2)
        existing = subprocess.run(["blkid", "-p", "-o", "value", "-s", "TYPE", device], capture_output=True, text=True).stdout.strip()
        if existing:
            raise ApplyError(f"{device} (volume {volume['volumeId']}) holds a {existing} file system without the label {label}: refusing to format it")
        if shutil.which("mkfs.ext4") is None:
            install_packages(["e2fsprogs"])
        run(["mkfs.ext4", "-q", "-L", label, device], f"formatting the empty volume {volume['volumeId']}")
        formatted = True
    os.makedirs(mount_point, mode=0o755, exist_ok=True)
    device = labelled_device(label)
    if device is None:
        raise ApplyError(f"no file system labelled {label} after formatting")
    run(["mount", "-o", "noatime", device, mount_point], f"mounting the volume labelled {label}")
    if formatted:
        # A MariaDB data directory must hold databases only; e2fsck recreates lost+found when it needs it.
        os.rmdir(os.path.join(mount_point, "lost+found"))
    return f"{mount_point} mounted from the volume labelled {label}" + (" (formatted: it was empty)" if formatted else "")


def first_apply(env, doc, version_id):
    """Everything in order, as cloud-init would run it; every runcmd step runs, failures are collected."""
    section = doc["webstack"]
    # Data volumes first: packages that initialise a data directory must find the volume's.
    volumes = section.get("volumes", [])
    save_json(VOLUMES, volumes)
    for volume in volumes:
        log(mount_volume(volume))
    install_packages(doc.get("packages", []))
    ensure_users(section.get("users", []))
    for f in desired_files(doc):
        write_file(f["path"], f["data"], f["mode"], f["owner"])
    versions = {}
    for secret in section.get("secrets", []):
        value, versions[secret["parameter"]] = secret_value(env, secret["parameter"])
        write_file(secret["path"], value, int(secret["mode"], 8), secret["owner"])
    save_json(SECRET_VERSIONS, versions)
    failures = []
    for command in doc.get("runcmd", []):
        try:
            run(command, "boot command")
        except ApplyError as error:
            failures.append((command, str(error)))
            log(str(error))
    save_json(FAILED_COMMANDS, [command for command, _ in failures])
    failures = [error for _, error in failures]
    summary = f"first apply of bundle version {version_id or '(unversioned)'}: {len(doc.get('write_files', []))} files, {len(versions)} secrets"
    # Like cloud-init's runcmd, boot commands run once per instance: a failed one is reported, not retried.
    return summary + (f"; {len(failures)} boot command(s) failed, first: {failures[0]}" if failures else ""), not failures


def staged_changes(env, doc):
    """Files and secrets whose wanted state differs from the server's, without touching the server."""
    changes = [f for f in desired_files(doc) if differs(f["path"], f["data"], f["mode"], f["owner"])]
    versions = load_json(SECRET_VERSIONS, {})
    fetched = {}
    for secret in doc["webstack"].get("secrets", []):
        parameter, mode = secret["parameter"], int(secret["mode"], 8)
        current = versions.get(parameter)
        if current is not None and os.path.exists(secret["path"]) and secret_version(env, parameter) == current:
            continue
        value, fetched[parameter] = secret_value(env, parameter)
        if differs(secret["path"], value, mode, secret["owner"]):
            changes.append({"path": secret["path"], "data": value, "mode": mode, "owner": secret["owner"], "secret": parameter})
    return changes, {**versions, **fetched}


def check_staged(changes, services):
    """Runs each affected service's checks in a private mount namespace where the staged files
    are bind-mounted over the live ones: the checks see the new configuration, the running
    daemons and every other process keep seeing the old one."""
    stage = tempfile.mkdtemp(prefix="stage-", dir=STATE_DIR)
    created = []
    try:
        mounts = {}
        for index, change in enumerate(changes):
            if os.path.exists(change["path"]):
                staged = os.path.join(stage, str(index))
                with open(staged, "wb") as f:
                    f.write(change["data"])
                os.chmod(staged, change["mode"])
                os.chown(staged, *ids(change["owner"]))
                mounts[change["path"]] = staged
            else:
                # A path no running daemon reads yet: written in place, removed if a check fails.
                write_file(change["path"], change["data"], change["mode"], change["owner"])
                created.append(change["path"])
        checks = [command for service in services for command in service["checks"]]
        request = json.dumps({"mounts": mounts, "checks": checks})
        done = subprocess.run(["unshare", "--mount", "--propagation", "private", sys.executable, os.path.abspath(__file__), "--run-checks", request], capture_output=True, text=True)
        if done.returncode != 0:
            for path in created:
                os.unlink(path)
            raise ApplyError(f"check failed, nothing changed: {(done.stdout + done.stderr).strip()[-800:]}")
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def run_checks(request):
    """Inside the private mount namespace (see check_staged)."""
    spec = json.loads(request)
    for target, staged in spec["mounts"].items():
        subprocess.run(["mount", "--bind", staged, target], check=True)
    for command in spec["checks"]:
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{' '.join(command)} exited {done.returncode}: {(done.stderr or done.stdout).strip()[-600:]}")
            return 1
    return 0


def check_key_pair(certificate, key):
    """A certificate and its private key belong together (same public key)."""
    cert_key = run(["openssl", "x509", "-in", certificate, "-noout", "-pubkey"], "reading the certificate")
    private_key = run(["openssl", "pkey", "-in", key, "-pubout"], "reading the private key")
    if cert_key.strip() != private_key.strip():
        print(f"{key} is not the private key of {certificate}")
        return 1
    return 0


def later_apply(env, doc, version_id):
    section = doc["webstack"]
    applied = load_bundle(APPLIED) if os.path.exists(APPLIED) else {}
    missing = [p for p in doc.get("packages", []) if p not in applied.get("packages", [])]
    install_packages(missing)
    ensure_users(section.get("users", []))
    changes, versions = staged_changes(env, doc)
    if not changes:
        save_json(SECRET_VERSIONS, versions)
        return f"bundle version {version_id or '(unversioned)'}: nothing to change", True
    changed = {c["path"] for c in changes}
    affected = [s for s in section.get("services", []) if changed.intersection(s["paths"])]
    check_staged(changes, affected)
    for change in changes:
        write_file(change["path"], change["data"], change["mode"], change["owner"])
    save_json(SECRET_VERSIONS, versions)
    for service in affected:
        for command in service["reload"]:
            run(command, f"reloading {service['name']}")
    secrets = sorted(c["secret"] for c in changes if "secret" in c)
    return (
        f"bundle version {version_id or '(unversioned)'}: changed {', '.join(sorted(changed))}"
        + (f" (secrets {', '.join(secrets)})" if secrets else "")
        + f"; reloaded {', '.join(s['name'] for s in affected) or 'nothing'}"
    ), True


def report(ok, message, tags):
    log(message)
    save_json(RESULT, {"ok": ok, "message": message, "time": int(time.time())})
    text = message.replace("\n", "\\n").replace("|", "/")[:500]
    packet = f"_sc|{SERVICE_CHECK}|{0 if ok else 2}|#{','.join(tags)}|m:{text}"
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.sendto(packet.encode("utf-8"), DOGSTATSD)
    except OSError:
        pass  # no agent listening: the journal still has it


def main(argv):
    parser = argparse.ArgumentParser(prog="webstack-apply")
    parser.add_argument("--bundle-file", help="apply this already-fetched bundle (the boot script's first apply)")
    parser.add_argument("--run-checks", help=argparse.SUPPRESS)
    parser.add_argument("--check-key-pair", nargs=2, metavar=("CERTIFICATE", "KEY"), help="exit 1 unless KEY is CERTIFICATE's private key")
    parser.add_argument("--mount-data", action="store_true", help="mount this server's data volumes (webstack-data.service, before the database starts at boot)")
    args = parser.parse_args(argv)
    if args.mount_data:
        # No lock: the first apply holds it while its boot commands start the database, which needs this.
        try:
            for volume in load_json(VOLUMES, []):
                log(mount_volume(volume))
            return 0
        except (ApplyError, OSError) as error:
            log(f"data volume not mounted, the database stays stopped: {error}")
            return 1
    if args.run_checks:
        return run_checks(args.run_checks)
    if args.check_key_pair:
        return check_key_pair(*args.check_key_pair)

    os.makedirs(STATE_DIR, mode=0o700, exist_ok=True)
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        tags = []
        try:
            env = read_env()
            fetched = os.path.join(STATE_DIR, "fetched.yaml")
            if args.bundle_file:
                shutil.copyfile(args.bundle_file, fetched)
                version_id = ""
            else:
                version_id = fetch_bundle(env, fetched)
            doc = load_bundle(fetched)
            tags = [str(t) for t in doc["webstack"].get("tags", [])]
            first = not os.path.exists(APPLIED)
            message, ok = first_apply(env, doc, version_id) if first else later_apply(env, doc, version_id)
            shutil.copyfile(fetched, APPLIED)
            os.chmod(APPLIED, 0o600)
            report(ok, message, tags)
            return 0 if ok else 1
        except (ApplyError, OSError, KeyError, ValueError, subprocess.CalledProcessError) as error:
            report(False, f"bundle not applied, the last good configuration keeps running: {error}", tags)
            return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
