from pathlib import Path

from setuptools import find_packages, setup

setup(
    name="ecgtf",
    version="0.1.0",
    description="Generative ECG models (EKGAN, LSTM-GAN, a 1-D U-Net reconstructor) in Keras 2, exported to "
                "quantized TFLite for phones",
    long_description=Path(__file__).with_name("README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["ecgtf", "ecgtf.*", "training", "training.*", "export", "export.*"]),
    install_requires=[
        # Lower bounds are the versions this package is tested with.
        "tensorflow>=2.21.0",
        "tf-keras>=2.21.0",
        "tensorflow-model-optimization>=0.8.1",
        "ai-edge-litert>=2.3.0",
        "wfdb>=4.3.1",
        "numpy>=2.0",
        "scipy>=1.17",
        "PyWavelets>=1.8",
        "matplotlib>=3.9",
        "tqdm>=4.66",
        "tensorboard>=2.20",
    ],
    extras_require={"test": ["pytest>=8", "pytest-xdist>=3.5", "hypothesis>=6.100", "ruff>=0.6"],
                    "docs": ["mkdocs>=1.6", "mkdocs-material>=9.5", "mkdocstrings[python]>=0.26"]},
    include_package_data=True,
    package_data={"ecgtf": ["data/examples/*.csv", "data/dipole_beats.npz", "data/dipole_beats.md", "models/*/presets/*/*", "models/*/presets/*/final/*"]},
    entry_points={"console_scripts": ["ecgtf=ecgtf.cli:main"]},
)
