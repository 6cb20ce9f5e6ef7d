"""What memtop's text_sanitize and text_sanitize_cmdline (src/util/text.c) make of
raw bytes, redone in Python, so suites can say exactly what memtop must show
for a name, command line or path another process chose."""


def utf8_decode(b, i):
    """(length, code point) of the UTF-8 sequence at b[i], or (0, None) when
    it is invalid, overlong, a surrogate or cut short — as utf8_decode in
    src/util/text.c."""
    c = b[i]
    if c < 0x80:
        return 1, c
    if c & 0xE0 == 0xC0:
        need, low, c = 2, 0x80, c & 0x1F
    elif c & 0xF0 == 0xE0:
        need, low, c = 3, 0x800, c & 0x0F
    elif c & 0xF8 == 0xF0:
        need, low, c = 4, 0x10000, c & 0x07
    else:
        return 0, None
    if len(b) - i < need:
        return 0, None
    for k in range(1, need):
        if b[i + k] & 0xC0 != 0x80:
            return 0, None
        c = (c << 6) | (b[i + k] & 0x3F)
    if c < low or c > 0x10FFFF or 0xD800 <= c <= 0xDFFF:
        return 0, None
    return need, c


def dangerous(cp):
    """Code points that must never reach a terminal raw (is_dangerous_cp):
    C1 controls, bidirectional controls and the byte-order mark."""
    return (0x80 <= cp <= 0x9F or 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069
            or cp in (0x200E, 0x200F, 0x061C, 0xFEFF))


ESCAPES = {0x0A: "\\n", 0x09: "\\t", 0x0D: "\\r", 0x1B: "\\e", 0x5C: "\\\\"}


def sanitize(raw):
    """text_sanitize(raw) as a str."""
    out, i = [], 0
    while i < len(raw):
        n, cp = utf8_decode(raw, i)
        if n == 0:
            out.append(ESCAPES.get(raw[i], "\\x%02X" % raw[i]))
            n = 1
        elif n == 1 and (cp < 0x20 or cp == 0x7F or cp == 0x5C):
            out.append(ESCAPES.get(cp, "\\x%02X" % cp))
        elif dangerous(cp):
            out.append("\\u%04X" % cp)
        else:
            out.append(chr(cp))
        i += n
    return "".join(out)


def sanitize_cmdline(raw):
    """text_sanitize_cmdline(raw): the arguments sanitised, joined by spaces."""
    return " ".join(sanitize(arg) for arg in raw.rstrip(b"\0").split(b"\0"))


def unclean(text):
    """The characters of a str that must never be in memtop's output text."""
    return [ch for ch in text if ord(ch) < 0x20 or ord(ch) == 0x7F or dangerous(ord(ch))]
