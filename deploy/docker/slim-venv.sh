#!/bin/sh
# Trims the runtime virtual environment of what a CPU-only container never loads:
# - Cycles' GPU kernels (CUDA, HIP, OptiX binaries): the image renders on the CPU, and Cycles
#   only reads them when a GPU device is chosen;
# - debug symbols of shared libraries, except in wheels that auditwheel repaired (those with a
#   `<name>.libs` folder: stripping patchelf-edited libraries can break them);
# - the asyncio copy of the Kubernetes client (kubernetes.aio, 68 MB): the kubernetes worker
#   backend calls the official synchronous client in threads;
# - the test suites that packages ship inside themselves.
set -eu
site=$(/opt/p2m/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
rm -f "$site"/bpy/*/scripts/addons_core/cycles/lib/kernel_*
rm -rf "$site/kubernetes/aio"
for package in "$site"/*/; do
  name=$(basename "$package")
  case "$name" in *.libs | *.dist-info) continue ;; esac
  [ -d "$site/$name.libs" ] && continue
  # A library strip cannot rewrite (some carry build notes it refuses) is kept as it is.
  find "$package" -type f \( -name '*.so' -o -name '*.so.*' \) | while read -r lib; do
    if strip --strip-unneeded -o "$lib.stripped" "$lib" 2>/dev/null; then
      mv "$lib.stripped" "$lib"
    else
      rm -f "$lib.stripped"
    fi
  done
done
find "$site" -type d -name tests -prune -exec rm -rf {} +
