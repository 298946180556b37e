"""The model folders: one folder per model family, each with the same roles in the same file names.

Each ``ecgtf/models/NAME/__init__.py`` defines ``model_spec()`` returning an :class:`ecgtf.registry.ModelSpec`;
:mod:`ecgtf.registry` finds the folders by walking this package, so adding a model is adding a folder.
Shared building blocks (GAN base classes, layers, the beat-generator kit) live in :mod:`ecgtf.kits`.
"""
