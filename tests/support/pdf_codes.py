"""The QR codes printed in a PDF the portal made, read back as a phone camera would: each RGB image XObject
(fpdf2 stores it as zlib-compressed rows, each led by a PNG filter byte of 0) decoded with zxing-cpp."""
import re
import zlib

import zxingcpp
from PIL import Image

IMAGE = re.compile(rb"<<((?:(?!>>\s*stream).)*?/Subtype /Image(?:(?!>>\s*stream).)*?)>>\s*stream\r?\n", re.S)


def _number(header: bytes, name: bytes) -> int:
    match = re.search(rb"/" + name + rb" (\d+)", header)
    assert match is not None, header
    return int(match.group(1))


def qr_texts(pdf: bytes) -> list[str]:
    texts = []
    for found in IMAGE.finditer(pdf):
        header = found.group(1)
        assert b"/DeviceRGB" in header and b"/FlateDecode" in header, header
        width, height, length = (_number(header, name) for name in (b"Width", b"Height", b"Length"))
        raw = zlib.decompress(pdf[found.end():found.end() + length])
        row = 1 + 3 * width
        assert all(raw[start] == 0 for start in range(0, len(raw), row))  # rows stored unfiltered
        pixels = b"".join(raw[start + 1:start + row] for start in range(0, len(raw), row))
        texts.extend(code.text for code in zxingcpp.read_barcodes(Image.frombytes("RGB", (width, height), pixels)))
    return texts
