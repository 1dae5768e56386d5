"""Pictures: matplotlib figures (``plots``, ``charts``, ``generative``), the network ``diagram``, the 2-D
``planes`` a model draws over its input space, and ``png`` (Pillow). Nothing here writes a file or
knows TensorBoard: callers log or save what these return.
"""
