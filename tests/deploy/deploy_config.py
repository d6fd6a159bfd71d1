# SPDX-License-Identifier: BSD-3-Clause
"""The JSON a descriptor writes to /etc/vfwcl/INSTANCE.json, checked by the
binary that reads it (shared by test_tosca.py and test_heat.py).

The binaries have no dry-run option, but they parse --config (every key
through its option's setter, the same checks and messages as at a start)
before rte_eal_init. So check_config runs the built binary with the config
and one EAL option that does not exist: a good config gets as far as
"EAL initialisation failed" (exit 2), a bad one stops earlier with a line
naming the key. EAL never starts. Cross-option checks that the binaries
make after EAL initialisation (e.g. --ves-ports needs --ves-url) are not
covered here.

The files the VM would hold are put in a temporary root: /etc/vfwcl/ and
/var/lib/vfwcl/ under it, the package's examples from the source tree.
"""
import glob
import json
import os
import subprocess

SOURCE = os.environ.get("VFWCL_SOURCE") or os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("VFWCL_BUILD", os.path.join(SOURCE, "build"))
EXAMPLES_DIR = "/usr/share/doc/vfwcl/examples/"
NO_SUCH_EAL_OPTION = "--vfwcl-config-check-only"


def package_examples():
    """The example files the package installs: name -> path in the source tree."""
    out = {}
    with open(os.path.join(SOURCE, "debian", "vfwcl.examples")) as f:
        for pattern in f.read().split():
            for path in glob.glob(os.path.join(SOURCE, pattern)):
                out[os.path.basename(path)] = path
    return out


class VmRoot:
    """Where a VM's /etc/vfwcl and /var/lib/vfwcl are, under a temporary directory."""

    def __init__(self, tmp):
        self.map = {"/etc/vfwcl/": os.path.join(tmp, "etc") + "/",
                    "/var/lib/vfwcl/": os.path.join(tmp, "state") + "/"}
        for d in self.map.values():
            os.makedirs(d, exist_ok=True)
        self.examples = package_examples()

    def path(self, vm_path):
        """The test's path of vm_path (a string that is no such path is returned as is)."""
        if vm_path.startswith(EXAMPLES_DIR):
            name = vm_path[len(EXAMPLES_DIR):]
            if name not in self.examples:
                raise AssertionError("%s: the package has no example %s" % (vm_path, name))
            return self.examples[name]
        for prefix, local in self.map.items():
            if vm_path.startswith(prefix):
                return local + vm_path[len(prefix):]
        return vm_path

    def write(self, vm_path, text, mode=0o600):
        path = self.path(vm_path)
        if path == vm_path:
            raise AssertionError("%s: not a file of the package's directories" % vm_path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def localize(self, value):
        """value with every string that is a VM path replaced by the test's."""
        if isinstance(value, str):
            return self.path(value)
        if isinstance(value, list):
            return [self.localize(v) for v in value]
        if isinstance(value, dict):
            return {k: self.localize(v) for k, v in value.items()}
        return value


def binary_path(binary):
    path = os.path.join(BUILD, binary, binary)
    if not os.access(path, os.X_OK):
        raise AssertionError("%s: not built (VFWCL_BUILD=%s)" % (path, BUILD))
    return path


def check_config(binary, config, vm_path, root):
    """Write config (a dict) as the VM's vm_path and have binary parse it.
    Returns None if the binary takes it, else the binary's error line."""
    if not isinstance(config, dict):
        return "%s: not a JSON object" % vm_path
    path = root.write(vm_path, json.dumps(root.localize(config), indent=1))
    proc = subprocess.run([binary_path(binary), NO_SUCH_EAL_OPTION, "--", "--config", path],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=60)
    err = proc.stderr.strip().splitlines()
    last = err[-1] if err else ""
    if proc.returncode == 2 and last.endswith("EAL initialisation failed: Invalid argument"):
        return None
    return "%s (exit %d): %s" % (binary, proc.returncode, last or "no message")
