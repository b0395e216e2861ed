"""Figures and widgets for the notebooks (matplotlib, ipywidgets). Nothing in the core imports this.

One module per topic; each widget helper also draws its default state as a static figure, so a
reader of the committed notebook sees the picture without a running kernel.
"""
