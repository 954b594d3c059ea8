#!/bin/sh
# Trims the runtime virtual environment of what a CPU-only container never loads (~130 MB):
# - Cycles' GPU kernels (CUDA, HIP, OptiX binaries): the image renders on the CPU, and Cycles
#   only reads them when a GPU device is chosen;
# - debug symbols of Blender's own libraries (bpy's, linked by Blender's build; other wheels'
#   libraries are left alone, since stripping patchelf-repaired libraries can break them);
# - the test suites that packages ship inside themselves.
set -eu
site=$(/opt/p2m/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
rm -f "$site"/bpy/*/scripts/addons_core/cycles/lib/kernel_*
# A library strip cannot rewrite (some carry build notes it refuses) is kept as it is.
find "$site/bpy" -type f \( -name '*.so' -o -name '*.so.*' \) | while read -r lib; do
  if strip --strip-unneeded -o "$lib.stripped" "$lib" 2>/dev/null; then
    mv "$lib.stripped" "$lib"
  else
    rm -f "$lib.stripped"
  fi
done
find "$site" -type d -name tests -prune -exec rm -rf {} +
