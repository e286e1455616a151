import subprocess
import sys


def test_demo_prints_source_and_agrees_with_finite_differences():
    proc = subprocess.run(
        [sys.executable, "-m", "srcad", "demo"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert "def value_and_grad_mlp_loss(W1, W2, x, y):" in proc.stdout
    assert "Gradient agrees with finite differences." in proc.stdout
    assert "DISAGREE" not in proc.stdout
