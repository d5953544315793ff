# coding: cp1252
if TYPE_CHECKING:
    import typing_ext
if __name__ == "__main__":
    def f(): import q
    x = f"{a!r:>{w}}" + rb"\x" + """
more
"""
