#!/usr/bin/env python3
"""Keel ABI generator: the one place ABI numbers come from.

Reads the read-only ABI description (ABI.md + invocations.json) and writes

    <out>/keel/abi_gen.h                 shared by the kernel and libsel4
    <out>/sel4/invocation_stubs_gen.h    libsel4 object-invocation stubs

Nothing here types an ABI number: every value is parsed from the markdown tables
and text of ABI.md or from invocations.json.  When a row or sentence we rely on
cannot be found the script stops with exit status 1, so drift in the spec is
caught at build time rather than at run time.

Usage:
    gen_abi.py [--abi-dir DIR] [--out-dir DIR] [--check] [--stub-user FILE]

    --abi-dir   directory holding ABI.md and invocations.json
                (default: <repo>/../shared/abi)
    --out-dir   where to write the headers (default: <repo>/build/gen/include)
    --check     also cross-check derived facts; exit 1 on any mismatch
    --stub-user a C file that must mention every generated stub (coverage check)

Python 3 standard library only.  Output is deterministic.
"""

import argparse
import json
import os
import re
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


class SpecError(Exception):
    pass


def die(msg):
    raise SpecError(msg)


# --------------------------------------------------------------------------------------
# Markdown helpers
# --------------------------------------------------------------------------------------

def clean(cell):
    """Drop markdown emphasis/code marks and surrounding blanks."""
    return cell.replace("**", "").replace("`", "").strip()


def strip_parens(s):
    """Remove (possibly nested) parenthesised parts."""
    prev = None
    while prev != s:
        prev = s
        s = re.sub(r"\([^()]*\)", "", s)
    return s.strip()


def paren_contents(s):
    return re.findall(r"\(([^()]*)\)", s)


def split_row(line):
    inner = line.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    cells = re.split(r"(?<!\\)\|", inner)
    return [c.replace("\\|", "|").strip() for c in cells]


class Table:
    def __init__(self, title, header, rows, line):
        self.title = title
        self.header = header
        self.rows = rows
        self.line = line

    def __repr__(self):
        return "Table(%r @%d: %r)" % (self.title, self.line, self.header)


class Section:
    def __init__(self, key, title, lines, first_line):
        self.key = key
        self.title = title
        self.lines = lines
        self.first_line = first_line
        self.text = "\n".join(lines)
        self.tables = self._tables()

    def _tables(self):
        tables = []
        title = self.title
        i = 0
        n = len(self.lines)
        while i < n:
            ln = self.lines[i]
            s = ln.strip()
            if s.startswith("|"):
                block = []
                start = i
                while i < n and self.lines[i].strip().startswith("|"):
                    block.append(self.lines[i])
                    i += 1
                if len(block) >= 2 and re.match(r"^\|?\s*:?-{2,}", block[1].strip()):
                    header = [clean(c) for c in split_row(block[0])]
                    rows = [split_row(b) for b in block[2:]]
                    tables.append(Table(title, header, rows, self.first_line + start))
                continue
            if s.startswith("#") or (s.startswith("**") and s.find("**", 2) > 0):
                title = s
            i += 1
        return tables

    def table(self, header_prefix, title_re=None):
        """The single table whose header starts with the given column names."""
        want = [h.lower() for h in header_prefix]
        found = []
        for t in self.tables:
            hdr = [h.lower() for h in t.header[:len(want)]]
            if hdr != want:
                continue
            if title_re and not re.search(title_re, t.title):
                continue
            found.append(t)
        if len(found) != 1:
            die("section (%s): expected exactly one table with header %r%s, found %d"
                % (self.key, header_prefix,
                   (" under a heading matching %r" % title_re) if title_re else "",
                   len(found)))
        return found[0]

    def search(self, pattern, what, flags=0):
        m = re.search(pattern, self.text, flags)
        if not m:
            die("section (%s): cannot find %s (pattern %r)" % (self.key, what, pattern))
        return m


def parse_sections(text):
    lines = text.split("\n")
    sections = {}
    cur_key = "preamble"
    cur_title = ""
    cur_lines = []
    cur_first = 1
    for idx, ln in enumerate(lines):
        m = re.match(r"^##\s+\(([a-z])\)\s*(.*)$", ln)
        m2 = re.match(r"^##\s+(?!\()(.*)$", ln)
        if m or m2:
            sections[cur_key] = Section(cur_key, cur_title, cur_lines, cur_first)
            if m:
                cur_key, cur_title = m.group(1), ln.strip()
            else:
                cur_key, cur_title = m2.group(1).strip(), ln.strip()
            cur_lines = []
            cur_first = idx + 2
            continue
        cur_lines.append(ln)
    sections[cur_key] = Section(cur_key, cur_title, cur_lines, cur_first)
    return sections


def to_int(s, what):
    s = clean(s)
    m = re.match(r"^\s*(-?\s*0x[0-9A-Fa-f]+|-?\s*\d[\d ]*)", s)
    if not m:
        die("cannot read a number from %r (%s)" % (s, what))
    v = m.group(1).replace(" ", "")
    return int(v, 0)


def number_list(s, what):
    s = strip_parens(clean(s))
    parts = [p.strip() for p in re.split(r"[/,]", s) if p.strip()]
    return [to_int(p, what) for p in parts]


def name_list(s):
    s = clean(s)
    outside = strip_parens(s)
    if "seL4_" not in outside:
        inner = [p for p in paren_contents(s) if "seL4_" in p]
        if not inner:
            return []
        outside = inner[0]
    names = []
    for p in re.split(r"[/,]", outside):
        p = p.strip()
        if not p:
            continue
        if not re.match(r"^(seL4_)?[A-Za-z_][A-Za-z0-9_]*$", p):
            return []
        if not p.startswith("seL4_"):
            p = "seL4_" + p
        names.append(p)
    return names


def camel_to_upper(name):
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return s.upper()


# --------------------------------------------------------------------------------------
# The model: everything we extract
# --------------------------------------------------------------------------------------

class Abi:
    pass


def extract(abi_dir):
    md_path = os.path.join(abi_dir, "ABI.md")
    js_path = os.path.join(abi_dir, "invocations.json")
    try:
        with open(md_path, encoding="utf-8") as f:
            md = f.read()
        with open(js_path, encoding="utf-8") as f:
            js = json.load(f)
    except OSError as e:
        die("cannot read the ABI description: %s" % e)

    S = parse_sections(md)
    for k in "abcdefghijklm":
        if k not in S:
            die("ABI.md has no section (%s)" % k)
    A = Abi()
    A.json = js
    A.describes = clean(md.split("\n", 1)[0])[:200]

    # ---------------- (a) syscalls -------------------------------------------------------
    t = S["a"].table(["Number (x7)", "Name", "Notes"])
    A.syscalls = []
    for r in t.rows:
        num, name, notes = clean(r[0]), clean(r[1]), clean(r[2]) if len(r) > 2 else ""
        if not re.match(r"^-\d+$", num):
            continue                      # ranges/lists are the absent groups
        if "absent" in notes:
            continue
        if not re.match(r"^[A-Za-z0-9]+$", name):
            die("syscall row %r: bad name" % r)
        A.syscalls.append(("seL4_Sys" + name, int(num)))
    if not A.syscalls:
        die("no syscalls parsed")
    m = S["a"].search(r'Valid "API" numbers are (-\d+)\.\.(-\d+)', "API syscall range")
    A.api_syscall_range = (int(m.group(1)), int(m.group(2)))

    # ---------------- (b) message info, limits, IPC buffer -----------------------------
    t = S["b"].table(["Bits", "Field", "Width"], title_re=r"seL4_MessageInfo")
    A.msginfo = []
    for r in t.rows:
        m = re.match(r"\[(\d+):(\d+)\]", clean(r[0]))
        if not m:
            die("message info row %r" % r)
        hi, lo = int(m.group(1)), int(m.group(2))
        width = to_int(r[2], "msginfo width")
        if hi - lo + 1 != width:
            die("message info field %s: width mismatch" % r[1])
        A.msginfo.append((clean(r[1]), lo, width))

    t = S["b"].table(["Constant", "Value"], title_re=r"Limits")
    A.limits = {}
    for r in t.rows:
        names = name_list(r[0])
        if not names:
            continue
        vals = number_list(r[1], r[0])
        if len(names) != len(vals):
            die("limits row %r: %d names, %d values" % (r, len(names), len(vals)))
        A.limits.update(zip(names, vals))

    t = S["b"].table(["Byte offset", "Word index", "Field"], title_re=r"IPC buffer layout")
    m = re.search(r"seL4_IPCBuffer,\s*(\d+)\s*bytes,\s*must be\s*(\d+)-byte aligned", t.title)
    if not m:
        die("IPC buffer heading lacks size/alignment")
    A.ipcbuf_size = int(m.group(1))
    A.ipcbuf_align = int(m.group(2))
    A.ipcbuf = []
    for r in t.rows:
        field = clean(r[2])
        fname = re.split(r"[\[,\s]", field)[0]
        word = to_int(r[1], "ipc buffer word index")
        byte = to_int(r[0], "ipc buffer byte offset")
        if byte != 8 * word:
            die("IPC buffer field %s: byte offset %d != 8*word %d" % (fname, byte, word))
        count = 1
        mm = re.match(r"^(\d+)\.\.(\d+)$", clean(r[1]))
        if mm:
            count = int(mm.group(2)) - int(mm.group(1)) + 1
        mm = re.search(r"k = (\d+)\.\.(\d+)", field)
        if mm:
            count = int(mm.group(2)) - int(mm.group(1)) + 1
        A.ipcbuf.append((fname, word, count))

    # ---------------- (c) rights, cnode data ------------------------------------------
    t = S["c"].table(["Bit", "Right", "Constant value alone"])
    A.rights = []
    for r in t.rows:
        mm = re.match(r"^(\d+)$", clean(r[0]))
        if not mm:
            continue
        right = clean(r[1]).split()[0]
        mv = re.match(r"^(seL4_\w+)\s*=\s*(0x[0-9A-Fa-f]+)$", clean(r[2]))
        if not mv:
            die("rights row %r" % r)
        bit = int(mm.group(1))
        if int(mv.group(2), 16) != 1 << bit:
            die("rights row %r: value is not 1<<bit" % r)
        A.rights.append((right, bit, mv.group(1)))
    m = S["c"].search(r"Combinations:(.*?)\n\s*\n", "rights combinations", re.S)
    A.rights_combos = [(n, int(v, 16)) for n, v in
                       re.findall(r"(seL4_\w+)\s*=\s*(0x[0-9A-Fa-f]+)", m.group(1))]
    m = S["c"].search(r"seL4_CapRightsBits\s*=\s*(\d+)", "seL4_CapRightsBits")
    A.cap_rights_bits = int(m.group(1))

    t = S["c"].table(["Bits", "Field", "Width"], title_re=r"CNode cap data")
    A.cnode_data = []
    for r in t.rows:
        m = re.match(r"\[(\d+):(\d+)\]", clean(r[0]))
        if not m:
            die("cnode data row %r" % r)
        A.cnode_data.append((clean(r[1]), int(m.group(2)), to_int(r[2], "width")))
    m = S["c"].search(r"slot size is (\d+) bytes \(seL4_SlotBits = (\d+)\)", "slot size", re.I)
    A.slot_bytes = int(m.group(1))

    # ---------------- (d) object types and sizes ----------------------------------------
    t = S["d"].table(["Value", "Object"])
    A.objects = []
    A.object_bits = {}
    for r in t.rows:
        val = clean(r[0])
        obj = clean(r[1])
        if not re.match(r"^\d+$", val):
            continue
        m = re.match(r"^\(?(seL4_\w+)", obj)
        if not m:
            die("object type row %r" % r)
        name = m.group(1)
        A.objects.append((name, int(val)))
        size = clean(r[2]) if len(r) > 2 else ""
        ms = re.match(r"^(\d+)\b", size)
        if ms:
            A.object_bits[name] = int(ms.group(1))
    if A.objects[-1][0] != "seL4_ObjectTypeCount":
        die("object type table must end with seL4_ObjectTypeCount")
    for i, (n, v) in enumerate(A.objects):
        if v != i:
            die("object types not contiguous at %s" % n)

    t = S["d"].table(["Constant", "Value"], title_re=r"Other size constants")
    A.sizes = {}
    for r in t.rows:
        names = name_list(r[0])
        if not names:
            continue
        vals = number_list(r[1], r[0])
        if len(names) != len(vals):
            die("size constant row %r: %d names, %d values" % (r, len(names), len(vals)))
        A.sizes.update(zip(names, vals))
    m = S["d"].search(r"seL4_CoreSchedContextBytes \| \d+ \((\d+)-byte core \+ (\d+) ×",
                      "scheduling-context core size")
    A.sc_core_bytes = int(m.group(1))
    A.min_refills = int(m.group(2))

    # ---------------- (e) errors, lookup failures -------------------------------------
    t = S["e"].table(["Code", "Name", "MRs on error"])
    A.errors = [(clean(r[1]), to_int(r[0], "error code")) for r in t.rows]
    m = S["e"].search(r"seL4_NumErrors = (\d+)", "seL4_NumErrors")
    A.num_errors = int(m.group(1))
    t = S["e"].table(["Word at offset+0 (type)", "Name"])
    A.lookup = [(clean(r[1]), to_int(r[0], "lookup failure type")) for r in t.rows]

    # ---------------- (f) faults ------------------------------------------------------
    sf = S["f"]
    t = sf.table(["Value", "Fault", "Present here"])
    A.faults = []
    for r in t.rows:
        v = clean(r[0])
        if not re.match(r"^\d+$", v):
            continue
        if re.match(r"^no\b", clean(r[2])):
            continue
        A.faults.append(("seL4_Fault_" + clean(r[1]), int(v)))

    def fault_table(fname):
        tt = [x for x in sf.tables if x.title.startswith("**%s (" % fname)]
        if len(tt) != 1:
            die("fault message table for %s not found" % fname)
        x = tt[0]
        m = re.match(r"^\*\*%s \((\d+)\)\*\* — length (\d+)" % fname, x.title)
        if not m:
            die("fault heading for %s lacks number/length: %r" % (fname, x.title))
        rows = []
        for r in x.rows:
            mr = clean(r[0])
            mm = re.match(r"^(\d+)(?:\.\.(\d+))?$", mr)
            if mm:
                rows.append((int(mm.group(1)), int(mm.group(2) or mm.group(1)), clean(r[1])))
        return int(m.group(1)), int(m.group(2)), rows

    def mr_of(rows, pattern, fname):
        hits = [r for r in rows if re.search(pattern, r[2], re.I)]
        if len(hits) != 1:
            die("fault %s: expected one MR row matching %r, found %d" % (fname, pattern, len(hits)))
        return hits[0][0]

    A.fault_msgs = []   # (prefix, [(suffix, index)], length)
    fnum = dict(A.faults)

    num, length, rows = fault_table("CapFault")
    if fnum.get("seL4_Fault_CapFault") != num:
        die("CapFault number mismatch")
    idx = [("IP", mr_of(rows, r"restart PC", "CapFault")),
           ("Addr", mr_of(rows, r"cptr", "CapFault")),
           ("InRecvPhase", mr_of(rows, r"receive phase", "CapFault")),
           ("LookupFailureType", mr_of(rows, r"lookup failure type", "CapFault"))]
    for nm in ("BitsLeft", "DepthMismatch_BitsFound", "GuardMismatch_GuardFound",
               "GuardMismatch_BitsFound"):
        m = re.search(r"(?:seL4_CapFault_)?%s[^=]*?= (?:[A-Za-z_]+ = )?(\d+)" % nm, sf.text)
        if not m:
            die("CapFault index for %s not stated" % nm)
        idx.append((nm, int(m.group(1))))
    A.fault_msgs.append(("seL4_CapFault", idx, length))

    num, length, rows = fault_table("UnknownSyscall")
    if fnum.get("seL4_Fault_UnknownSyscall") != num:
        die("UnknownSyscall number mismatch")
    rng = [r for r in rows if re.match(r"^x0\.\.x(\d+)$", r[2])]
    if len(rng) != 1:
        die("UnknownSyscall: no x0..xN row")
    lo, hi = rng[0][0], rng[0][1]
    idx = [("X%d" % k, lo + k) for k in range(hi - lo + 1)]
    idx += [("FaultIP", mr_of(rows, r"^FaultIP", "UnknownSyscall")),
            ("SP", mr_of(rows, r"^SP\b", "UnknownSyscall")),
            ("LR", mr_of(rows, r'calls this slot "LR"', "UnknownSyscall")),
            ("SPSR", mr_of(rows, r"^SPSR$", "UnknownSyscall")),
            ("Syscall", mr_of(rows, r"syscall number", "UnknownSyscall"))]
    A.fault_msgs.append(("seL4_UnknownSyscall", idx, length))

    num, length, rows = fault_table("UserException")
    if fnum.get("seL4_Fault_UserException") != num:
        die("UserException number mismatch")
    idx = [("FaultIP", mr_of(rows, r"^FaultIP", "UserException")),
           ("SP", mr_of(rows, r"^SP$", "UserException")),
           ("SPSR", mr_of(rows, r"^SPSR$", "UserException")),
           ("Number", mr_of(rows, r"^Number", "UserException")),
           ("Code", mr_of(rows, r"^Code", "UserException"))]
    A.fault_msgs.append(("seL4_UserException", idx, length))

    num, length, rows = fault_table("VMFault")
    if fnum.get("seL4_Fault_VMFault") != num:
        die("VMFault number mismatch")
    idx = [("IP", mr_of(rows, r"restart PC", "VMFault")),
           ("Addr", mr_of(rows, r"fault address", "VMFault")),
           ("PrefetchFault", mr_of(rows, r"PrefetchFault", "VMFault")),
           ("FSR", mr_of(rows, r"^FSR", "VMFault"))]
    A.fault_msgs.append(("seL4_VMFault", idx, length))

    num, length, rows = fault_table("Timeout")
    if fnum.get("seL4_Fault_Timeout") != num:
        die("Timeout number mismatch")
    idx = [("Data", mr_of(rows, r"badge", "Timeout")),
           ("Consumed", mr_of(rows, r"consumed time", "Timeout"))]
    A.fault_msgs.append(("seL4_Timeout", idx, length))

    t = sf.table(["Fault", "Words taken from the reply (in MR order, up to the reply's length)"])
    A.fault_replies = {}
    for r in t.rows:
        A.fault_replies[clean(r[0])] = clean(r[1])
    tr = A.fault_replies.get("Timeout")
    if not tr:
        die("Timeout reply row missing")
    m = re.match(r"^up to (\d+), order: (.*)$", tr)
    if not m:
        die("Timeout reply row unreadable: %r" % tr)
    A.timeout_reply = expand_regs(m.group(2))
    if len(A.timeout_reply) != int(m.group(1)):
        die("Timeout reply: %d registers listed, %s stated" % (len(A.timeout_reply), m.group(1)))
    m = sf.search(r"new SPSR = \(value & (0x[0-9A-Fa-f]+)\) \| (0x[0-9A-Fa-f]+)", "SPSR sanitising")
    A.spsr_keep_mask = int(m.group(1), 16)
    A.spsr_user_bits = int(m.group(2), 16)

    # ---------------- (g) root task environment ---------------------------------------
    sg = S["g"]
    t = sg.table(["Slot", "Cap", "Here"])
    A.initial_caps = []
    for r in t.rows:
        s0 = clean(r[0])
        if re.match(r"^\d+$", s0):
            nm = clean(r[1])
            if not re.match(r"^seL4_\w+$", nm):
                die("initial cap row %r" % r)
            A.initial_caps.append((nm, int(s0)))
    m = sg.search(r"seL4_NumInitialCaps = (\d+)", "seL4_NumInitialCaps")
    A.num_initial_caps = int(m.group(1))
    m = sg.search(r"root CNode: 2\^(\d+) = (\d+) slots, guard size (\d+), guard (\d+)", "root CNode shape")
    A.root_cnode_bits = int(m.group(1))
    A.root_cnode_guard_size = int(m.group(3))

    t = sg.table(["Offset", "Field", "Type"], title_re=r"seL4_BootInfo")
    A.bootinfo = []
    A.bi_size = None
    for r in t.rows:
        off = to_int(r[0], "bootinfo offset")
        field = clean(r[1])
        if field.startswith("("):
            m = re.search(r"sizeof = (\d+)", field)
            if not m or int(m.group(1)) != off:
                die("bootinfo end row %r" % r)
            A.bi_size = off
            continue
        m = re.match(r"^([A-Za-z]\w*)(?:\[(\d+)\])?", field)
        if not m:
            die("bootinfo row %r" % r)
        ty = clean(r[2])
        A.bootinfo.append((m.group(1), off, int(m.group(2)) if m.group(2) else None, ty))
    if A.bi_size is None:
        die("bootinfo size row missing")
    m = sg.search(r"seL4_UntypedDesc \((\d+) bytes\): offset (\d+) paddr \(word\), (\d+) sizeBits "
                  r"\(u8\), (\d+) isDevice", "seL4_UntypedDesc layout")
    A.utdesc = (int(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)))
    m = sg.search(r"Located at \(bootinfo vaddr \+ (\d+)\)", "extra bootinfo location")
    A.extra_bi_offset = int(m.group(1))
    m = sg.search(r"seL4_BootInfoHeader \{id: word at \+(\d+),\s*len: word at \+(\d+), len includes "
                  r"the (\d+)-byte header\}", "bootinfo header")
    A.bi_header = (int(m.group(1)), int(m.group(2)), int(m.group(3)))
    t = sg.table(["id", "Meaning"])
    A.bi_header_ids = []
    for r in t.rows:
        v = clean(r[0])
        m = re.match(r"^(SEL4_BOOTINFO_HEADER_\w+)", clean(r[1]))
        if re.match(r"^\d+$", v) and m:
            A.bi_header_ids.append((m.group(1), int(v)))
    t = sg.table(["Item", "Value"], title_re=r"Root task initial thread state")
    A.root_state = {clean(r[0]): clean(r[1]) for r in t.rows}

    # ---------------- (i) user context -------------------------------------------------
    t = S["i"].table(["i", "Register"])
    uc = {}
    for r in t.rows:
        for k in range(0, len(r) - 1, 2):
            i = clean(r[k])
            reg = clean(r[k + 1])
            if not re.match(r"^\d+$", i):
                continue
            regname = reg.split()[0]
            uc[int(i)] = regname
    A.user_context = [uc[i] for i in sorted(uc)]
    if sorted(uc) != list(range(len(uc))):
        die("seL4_UserContext indices not contiguous")
    m = S["i"].search(r"(\d+) words\.", "user context word count")
    A.uc_words = int(m.group(1))
    m = S["i"].search(r'Indices (\d+)\.\.(\d+) are the "frame" set.*?(\d+)\.\.(\d+) the "integer" set',
                      "frame/integer split", re.S)
    A.uc_frame = (int(m.group(1)), int(m.group(2)))
    A.uc_integer = (int(m.group(3)), int(m.group(4)))

    # ---------------- (j) VM attributes ------------------------------------------------
    t = S["j"].table(["Bit", "Name", "Effect on AArch64"])
    A.vmattrs = []
    for r in t.rows:
        b = clean(r[0])
        nm = clean(r[1])
        m = re.match(r"^(\d+) \((0x[0-9A-Fa-f]+)\)$", b)
        if m and re.match(r"^seL4_\w+$", nm):
            if int(m.group(2), 16) != 1 << int(m.group(1)):
                die("VM attribute row %r" % r)
            A.vmattrs.append((nm, int(m.group(2), 16)))
            continue
        m = re.match(r"^(seL4_\w+) = (0x[0-9A-Fa-f]+)$", nm)
        if m:
            A.vmattrs.append((m.group(1), int(m.group(2), 16)))

    # ---------------- (k) MCS --------------------------------------------------------
    sk = S["k"]
    m = sk.search(r"MIN_BUDGET = .*?= \*\*(\d+) µs\*\*\s*\((\d+) ticks\)", "minimum budget", re.S)
    A.min_budget_us = int(m.group(1))
    A.min_budget_ticks = int(m.group(2))
    m = sk.search(r"MAX_PERIOD_US = .*?= \*\*([\d ]+) µs\*\*", "maximum period", re.S)
    A.max_period_us = int(m.group(1).replace(" ", ""))
    m = sk.search(r"flags bit 0 = (seL4_SchedContext_\w+) \((0x[0-9A-Fa-f]+); (seL4_SchedContext_\w+) = (\d+)\)",
                  "scheduling-context flags")
    A.sc_flags = [(m.group(3), int(m.group(4))), (m.group(1), int(m.group(2), 16))]
    m = sk.search(r"Root task\*\*: (\d+) ms budget = period .*?SC size (\d+) bits", "root task SC", re.S)
    A.root_sc_bits = int(m.group(2))

    # ---------------- (l) debug syscalls, cap tags -----------------------------------
    sl = S["l"]
    t = sl.table(["Tag", "Cap", "Tag", "Cap"])
    A.cap_tags = []
    for r in t.rows:
        for k in range(0, len(r) - 1, 2):
            tag = clean(r[k])
            cap = clean(r[k + 1])
            if not re.match(r"^\d+$", tag):
                continue
            base = strip_parens(cap).strip().lower()
            if base == "tcb":
                base = "thread"
            ident = "cap_" + re.sub(r"\s+", "_", base) + "_cap"
            if not re.match(r"^cap_[a-z_]+_cap$", ident):
                die("cap tag cell %r" % cap)
            A.cap_tags.append((ident, int(tag)))
    A.cap_tags.sort(key=lambda x: x[1])
    m = sl.search(r"truncated to (\d+) characters; the kernel's name buffer is (\d+) bytes",
                  "thread name length")
    A.thread_name_bytes = int(m.group(2))
    m = sl.search(r"no NUL within (\d+) bytes", "name scan limit")
    A.name_scan_bytes = int(m.group(1))
    m = sl.search(r"stored in the caller's IPC buffer starting at byte offset (\d+)", "name offset")
    A.name_offset = int(m.group(1))

    # ---------------- (m) TLS / TCB flags ----------------------------------------------
    m = S["m"].search(r"TCB_SetFlags bit (\d+) \((seL4_TCBFlag_\w+)\)", "TCB flag")
    A.tcb_flags = [(m.group(2), 1 << int(m.group(1)))]

    # ---------------- configuration text (preamble) ------------------------------------
    pre = S["preamble"].text
    cfg = {}
    for n, v in re.findall(r"`([A-Z][A-Z0-9_]+)\s*=\s*([0-9][0-9^]*)`", pre):
        if "^" in v:
            b, e = v.split("^")
            cfg[n] = int(b) ** int(e)
        else:
            cfg[n] = int(v)
    m = re.search(r"`TIMER_CLOCK_HZ` = ([\d ]+) Hz", pre)
    if m:
        cfg["TIMER_CLOCK_HZ"] = int(m.group(1).replace(" ", ""))
    m = re.search(r"maxIRQ (\d+)", pre)
    if m:
        cfg["MAX_IRQ"] = int(m.group(1))
    m = re.search(r"kernel WCET (\d+) µs", pre)
    if m:
        cfg["KERNEL_WCET_US"] = int(m.group(1))
    m = re.search(r"`KERNEL_TIMER_IRQ` (\d+)", pre)
    if m:
        cfg["KERNEL_TIMER_IRQ"] = int(m.group(1))
    A.config = cfg

    # ---------------- invocations.json -------------------------------------------------
    A.invocations = sorted(js["invocations"], key=lambda x: x["label"])
    A.numbering = js["numbering"]
    return A


def expand_regs(text):
    """'FaultIP, SP, SPSR, x0..x8, x16' -> ['FaultIP','SP','SPSR','x0',...,'x8','x16']"""
    out = []
    for p in [p.strip() for p in text.split(",")]:
        m = re.match(r"^x(\d+)\.\.x(\d+)$", p)
        if m:
            out += ["x%d" % k for k in range(int(m.group(1)), int(m.group(2)) + 1)]
        elif p:
            out.append(p)
    return out


# --------------------------------------------------------------------------------------
# Validation of what was extracted (always run) and --check extras
# --------------------------------------------------------------------------------------

REQUIRED = {
    "sizes": ["seL4_WordBits", "seL4_WordSizeBits", "seL4_SlotBits", "seL4_MinUntypedBits",
              "seL4_MaxUntypedBits", "seL4_MinSchedContextBits", "seL4_CoreSchedContextBytes",
              "seL4_RefillSizeBytes", "seL4_PageBits", "seL4_LargePageBits", "seL4_HugePageBits",
              "seL4_PageTableBits", "seL4_PageTableIndexBits", "seL4_PageTableEntryBits",
              "seL4_VSpaceBits", "seL4_VSpaceIndexBits", "seL4_VSpaceEntryBits",
              "seL4_ASIDPoolBits", "seL4_ASIDPoolIndexBits", "seL4_NumASIDPoolsBits",
              "seL4_IPCBufferSizeBits", "seL4_BootInfoFrameBits", "seL4_UserTop",
              "seL4_UntypedRetypeMaxObjects", "seL4_MinPrio", "seL4_MaxPrio"],
    "limits": ["seL4_MsgLengthBits", "seL4_MsgMaxLength", "seL4_MsgExtraCapBits",
               "seL4_MsgMaxExtraCaps", "seL4_FastMessageRegisters"],
    "object_bits": ["seL4_TCBObject", "seL4_EndpointObject", "seL4_NotificationObject",
                    "seL4_ReplyObject", "seL4_ARM_HugePageObject", "seL4_ARM_VSpaceObject",
                    "seL4_ARM_SmallPageObject", "seL4_ARM_LargePageObject",
                    "seL4_ARM_PageTableObject"],
    "errors": ["seL4_NoError", "seL4_InvalidArgument", "seL4_InvalidCapability",
               "seL4_IllegalOperation", "seL4_RangeError", "seL4_AlignmentError",
               "seL4_FailedLookup", "seL4_TruncatedMessage", "seL4_DeleteFirst",
               "seL4_RevokeFirst", "seL4_NotEnoughMemory"],
    "lookup": ["seL4_NoFailure", "seL4_InvalidRoot", "seL4_MissingCapability",
               "seL4_DepthMismatch", "seL4_GuardMismatch"],
    "faults": ["seL4_Fault_NullFault", "seL4_Fault_CapFault", "seL4_Fault_UnknownSyscall",
               "seL4_Fault_UserException", "seL4_Fault_Timeout", "seL4_Fault_VMFault"],
    "cap_tags": ["cap_null_cap", "cap_frame_cap", "cap_untyped_cap", "cap_page_table_cap",
                 "cap_endpoint_cap", "cap_notification_cap", "cap_reply_cap", "cap_vspace_cap",
                 "cap_cnode_cap", "cap_asid_control_cap", "cap_thread_cap", "cap_asid_pool_cap",
                 "cap_irq_control_cap", "cap_irq_handler_cap", "cap_zombie_cap",
                 "cap_domain_cap", "cap_sched_context_cap", "cap_sched_control_cap",
                 "cap_sgi_signal_cap"],
    "initial_caps": ["seL4_CapNull", "seL4_CapInitThreadTCB", "seL4_CapInitThreadCNode",
                     "seL4_CapInitThreadVSpace", "seL4_CapIRQControl", "seL4_CapASIDControl",
                     "seL4_CapInitThreadASIDPool", "seL4_CapIOPortControl", "seL4_CapIOSpace",
                     "seL4_CapBootInfoFrame", "seL4_CapInitThreadIPCBuffer", "seL4_CapDomain",
                     "seL4_CapSMMUSIDControl", "seL4_CapSMMUCBControl", "seL4_CapInitThreadSC",
                     "seL4_CapSMC"],
    "bootinfo": ["extraLen", "nodeID", "numNodes", "numIOPTLevels", "ipcBuffer", "empty",
                 "sharedFrames", "userImageFrames", "userImagePaging", "ioSpaceCaps",
                 "extraBIPages", "initThreadCNodeSizeBits", "initThreadDomain", "schedcontrol",
                 "untyped", "untypedList"],
    "config": ["TIMER_CLOCK_HZ", "ROOT_CNODE_SIZE_BITS", "MAX_NUM_BOOTINFO_UNTYPED_CAPS",
               "KERNEL_TIMER_IRQ", "MAX_IRQ", "NUM_PRIORITIES", "NUM_DOMAINS",
               "BOOT_THREAD_TIME_SLICE", "RETYPE_FAN_OUT_LIMIT", "KERNEL_WCET_US",
               "KERNEL_WCET_SCALE", "PADDR_USER_DEVICE_TOP"],
    "ipcbuf": ["tag", "msg", "userData", "caps_or_badges", "receiveCNode", "receiveIndex",
               "receiveDepth"],
    "vmattrs": ["seL4_ARM_PageCacheable", "seL4_ARM_ParityEnabled", "seL4_ARM_ExecuteNever",
                "seL4_ARM_Default_VMAttributes"],
    "msginfo": ["label", "capsUnwrapped", "extraCaps", "length"],
    "cnode_data": ["guard", "guardSize"],
    "rights": ["Write", "Read", "Grant", "GrantReply"],
}


def validate(A):
    def have(kind, names):
        missing = [n for n in REQUIRED[kind] if n not in names]
        if missing:
            die("ABI.md: missing %s entries: %s" % (kind, ", ".join(missing)))
    have("sizes", A.sizes)
    have("limits", A.limits)
    have("object_bits", A.object_bits)
    have("errors", dict(A.errors))
    have("lookup", dict(A.lookup))
    have("faults", dict(A.faults))
    have("cap_tags", dict(A.cap_tags))
    have("initial_caps", dict(A.initial_caps))
    have("bootinfo", [b[0] for b in A.bootinfo])
    have("config", A.config)
    have("ipcbuf", [b[0] for b in A.ipcbuf])
    have("vmattrs", dict(A.vmattrs))
    have("msginfo", [m[0] for m in A.msginfo])
    have("cnode_data", [m[0] for m in A.cnode_data])
    have("rights", [r[0] for r in A.rights])
    if len(set(v for _, v in A.cap_tags)) != len(A.cap_tags):
        die("duplicate cap tags")
    # invocation numbering
    n = A.numbering
    labels = [i["label"] for i in A.invocations]
    if labels != list(range(1, len(labels) + 1)):
        die("invocation labels are not 1..N contiguous")
    for grp, rng in (("generic", "generic_range"), ("sel4arch", "sel4arch_range"),
                     ("arch", "arch_range")):
        lo, hi = n[rng]
        got = [i["label"] for i in A.invocations if i["group"].split("(")[0] == grp]
        if got != list(range(lo, hi)):
            die("invocation group %s does not cover [%d,%d)" % (grp, lo, hi))
    if n["generic_range"][1] != n["nInvocationLabels"] or \
       n["sel4arch_range"][1] != n["nSeL4ArchInvocationLabels"] or \
       n["arch_range"][1] != n["nArchInvocationLabels"] or n["InvalidInvocation"] != 0:
        die("invocations.json numbering block inconsistent")
    seen = set()
    for i in A.invocations:
        if i["enum"] in seen:
            die("duplicate invocation enum %s" % i["enum"])
        seen.add(i["enum"])


def check(A, stub_user=None):
    """Cross-checks of derived facts (--check)."""
    problems = []

    def expect(cond, what):
        if not cond:
            problems.append(what)

    n = A.numbering
    expect(n["nArchInvocationLabels"] == 55, "label count is %d, expected 55" % n["nArchInvocationLabels"])
    expect(len(A.invocations) + 1 == n["nArchInvocationLabels"], "invocation list length vs nArchInvocationLabels")
    expect(len(A.user_context) == A.uc_words == 36, "seL4_UserContext has %d entries" % len(A.user_context))
    expect(sorted(A.user_context) == sorted(["pc", "sp", "spsr", "tpidr_el0", "tpidrro_el0"] +
                                            ["x%d" % k for k in range(31)]),
           "seL4_UserContext is not pc, sp, spsr, x0..x30, tpidr_el0, tpidrro_el0")
    expect(A.uc_frame[1] + 1 == A.uc_integer[0] and A.uc_integer[1] + 1 == len(A.user_context),
           "frame/integer split does not cover the user context")
    expect(set(A.timeout_reply) <= set(["FaultIP", "SP", "SPSR"] + ["x%d" % k for k in range(31)]),
           "timeout reply names unknown registers")
    expect(len(A.timeout_reply) == len(A.user_context) - 2,
           "timeout reply should be the user context without the TLS registers")
    uc_regs = [("FaultIP" if r == "pc" else "SP" if r == "sp" else "SPSR" if r == "spsr" else r)
               for r in A.user_context]
    expect(uc_regs[:len(A.timeout_reply)] == A.timeout_reply,
           "timeout reply order differs from seL4_UserContext order")
    # IPC buffer
    words = sum(c for _, _, c in A.ipcbuf)
    expect(words * 8 == A.ipcbuf_size, "IPC buffer fields cover %d words, size %d" % (words, A.ipcbuf_size))
    expect(1 << A.sizes["seL4_IPCBufferSizeBits"] == A.ipcbuf_size, "seL4_IPCBufferSizeBits vs IPC buffer size")
    ib = {f: (w, c) for f, w, c in A.ipcbuf}
    expect(ib["msg"][1] == A.limits["seL4_MsgMaxLength"], "msg[] length vs seL4_MsgMaxLength")
    expect(ib["caps_or_badges"][1] == A.limits["seL4_MsgMaxExtraCaps"], "caps_or_badges vs seL4_MsgMaxExtraCaps")
    prev_end = 0
    for f, w, c in A.ipcbuf:
        expect(w == prev_end, "IPC buffer field %s not contiguous" % f)
        prev_end = w + c
    # message info
    mi = {f: (s, w) for f, s, w in A.msginfo}
    expect(mi["length"][1] == A.limits["seL4_MsgLengthBits"], "msginfo length width vs seL4_MsgLengthBits")
    expect(mi["extraCaps"][1] == A.limits["seL4_MsgExtraCapBits"], "msginfo extraCaps width")
    expect(sum(w for _, _, w in A.msginfo) == A.sizes["seL4_WordBits"], "msginfo does not fill a word")
    expect(sum(w for _, _, w in A.cnode_data) == A.sizes["seL4_WordBits"], "cnode data does not fill a word")
    # rights
    expect(len(A.rights) == A.cap_rights_bits, "rights bits count")
    allr = sum(1 << b for _, b, _ in A.rights)
    expect(dict(A.rights_combos).get("seL4_AllRights") == allr, "seL4_AllRights")
    # errors contiguous
    expect([v for _, v in A.errors] == list(range(len(A.errors))), "error codes not contiguous")
    expect(len(A.errors) == A.num_errors, "seL4_NumErrors")
    expect([v for _, v in A.lookup] == list(range(len(A.lookup))), "lookup failure types not contiguous")
    # initial caps
    expect([v for _, v in A.initial_caps] == list(range(A.num_initial_caps)), "initial caps not 0..N-1")
    expect(A.root_cnode_bits == A.config["ROOT_CNODE_SIZE_BITS"], "root CNode size vs config")
    expect(A.root_cnode_bits + A.root_cnode_guard_size == A.sizes["seL4_WordBits"], "root CNode guard")
    # bootinfo layout: contiguous words
    end = 0
    for name, off, count, ty in A.bootinfo:
        expect(off == end, "bootinfo field %s at %d, expected %d" % (name, off, end))
        if count is not None:
            end = off + count * A.utdesc[0]
            expect(count == A.config["MAX_NUM_BOOTINFO_UNTYPED_CAPS"], "untypedList length vs config")
        elif ty.startswith("2 words"):
            end = off + 16
        else:
            end = off + 8
    expect(end == A.bi_size == 3864, "bootinfo size %d/%d" % (end, A.bi_size))
    expect(A.bi_size <= 1 << A.sizes["seL4_BootInfoFrameBits"], "bootinfo does not fit its frame")
    # objects
    ob = A.object_bits
    expect(ob["seL4_ARM_SmallPageObject"] == A.sizes["seL4_PageBits"], "small page bits")
    expect(ob["seL4_ARM_LargePageObject"] == A.sizes["seL4_LargePageBits"], "large page bits")
    expect(ob["seL4_ARM_HugePageObject"] == A.sizes["seL4_HugePageBits"], "huge page bits")
    expect(ob["seL4_ARM_PageTableObject"] == A.sizes["seL4_PageTableBits"], "page table bits")
    expect(ob["seL4_ARM_VSpaceObject"] == A.sizes["seL4_VSpaceBits"], "vspace bits")
    expect(1 << A.sizes["seL4_SlotBits"] == A.slot_bytes, "slot bytes")
    expect(A.sizes["seL4_PageTableIndexBits"] + A.sizes["seL4_PageTableEntryBits"] == A.sizes["seL4_PageTableBits"],
           "page table index/entry bits")
    expect(A.sizes["seL4_CoreSchedContextBytes"] == A.sc_core_bytes + A.min_refills * A.sizes["seL4_RefillSizeBytes"],
           "core SC bytes")
    expect(1 << A.sizes["seL4_MinSchedContextBits"] == A.sizes["seL4_CoreSchedContextBytes"], "min SC bits")
    expect(A.sizes["seL4_UntypedRetypeMaxObjects"] == A.config["RETYPE_FAN_OUT_LIMIT"], "fan-out limit")
    expect(A.sizes["seL4_MaxPrio"] + 1 == A.config["NUM_PRIORITIES"], "priorities")
    # MCS timing
    hz = A.config["TIMER_CLOCK_HZ"]
    expect(A.min_budget_us == 2 * A.config["KERNEL_WCET_US"] * A.config["KERNEL_WCET_SCALE"], "min budget")
    expect(A.min_budget_ticks == A.min_budget_us * hz // 1000000, "min budget ticks")
    expect(A.max_period_us == ((2 ** 64 - 1) // (hz // 1000)) // 8, "max period")
    # syscalls
    nums = [v for _, v in A.syscalls]
    expect(nums == list(range(-1, -len(nums) - 1, -1)), "syscall numbers not -1..-N")
    expect(A.api_syscall_range[0] == -1, "API syscall range")
    # faults
    fm = {p: (dict(i), l) for p, i, l in A.fault_msgs}
    expect(fm["seL4_UnknownSyscall"][1] == len(fm["seL4_UnknownSyscall"][0]), "UnknownSyscall length")
    expect(fm["seL4_UserException"][1] == len(fm["seL4_UserException"][0]), "UserException length")
    expect(fm["seL4_VMFault"][1] == len(fm["seL4_VMFault"][0]), "VMFault length")
    expect(fm["seL4_Timeout"][1] == len(fm["seL4_Timeout"][0]), "Timeout length")
    # invocations: layouts consistent
    for inv in A.invocations:
        mrs = set()
        caps = set()
        for a in inv["inputs"]:
            if a["passed_as"] == "mr":
                if not a.get("packed"):
                    expect(a["mr"] not in mrs, "%s: MR%d used twice" % (inv["enum"], a["mr"]))
                mrs.add(a["mr"])
            elif a["passed_as"] == "mr_range":
                for k in range(a["mr_first"], a["mr_first"] + a["mr_count"]):
                    mrs.add(k)
            elif a["passed_as"] == "extra_cap":
                caps.add(a["cap_index"])
        expect(caps == set(range(inv["extra_caps"])), "%s: extra caps" % inv["enum"])
        ml = inv["msg_length"]
        if isinstance(ml, int):
            expect(mrs == set(range(ml)), "%s: MRs used %s vs length %d" % (inv["enum"], sorted(mrs), ml))
        expect(inv["extra_caps"] <= A.limits["seL4_MsgMaxExtraCaps"], "%s: too many caps" % inv["enum"])
    if stub_user:
        try:
            with open(stub_user, encoding="utf-8") as f:
                src = f.read()
        except OSError as e:
            die("cannot read %s: %s" % (stub_user, e))
        for inv in A.invocations:
            nm = stub_name(inv)
            expect(re.search(r"\b%s\s*\(" % re.escape(nm), src) is not None,
                   "%s does not use %s" % (stub_user, nm))
    return problems


# --------------------------------------------------------------------------------------
# Output: keel/abi_gen.h
# --------------------------------------------------------------------------------------

HEADER_NOTE = ("/*\n * Generated by tools/gen_abi.py from ABI.md and invocations.json. DO NOT EDIT.\n"
               " * Every number below comes from the ABI description; change that, not this.\n */\n")


def c_hex(v):
    return "0x%x" % v


def ul(v, hexa=False):
    return "KEEL_UL(%s)" % (c_hex(v) if hexa else str(v))


def emit_enum(out, tag, entries, typedef=None, comment=None):
    if comment:
        out.append("/* %s */" % comment)
    out.append("%senum %s {" % ("typedef " if typedef else "", tag))
    for name, val in entries:
        out.append("    %s = %s," % (name, val))
    out.append("}%s;" % ((" " + typedef) if typedef else ""))
    out.append("")


def gen_abi_h(A):
    o = []
    o.append(HEADER_NOTE)
    o.append("#ifndef KEEL_ABI_GEN_H")
    o.append("#define KEEL_ABI_GEN_H")
    o.append("")
    o.append("/* Plain C (and assembler, for the #defines): no includes, no types. */")
    o.append("#ifdef __ASSEMBLER__")
    o.append("#define KEEL_UL(x) x")
    o.append("#else")
    o.append("#define KEEL_UL(x) x##ul")
    o.append("#endif")
    o.append("")

    # ---- sizes ---------------------------------------------------------------------
    o.append("/* ---- Object sizes and other size constants (ABI (b), (d)) ---------------- */")
    objbits_names = {"seL4_TCBObject": "seL4_TCBBits", "seL4_EndpointObject": "seL4_EndpointBits",
                     "seL4_NotificationObject": "seL4_NotificationBits",
                     "seL4_ReplyObject": "seL4_ReplyBits"}
    for obj, nm in objbits_names.items():
        o.append("#define %-36s %d" % (nm, A.object_bits[obj]))
    for nm in REQUIRED["sizes"]:
        v = A.sizes[nm]
        o.append("#define %-36s %s" % (nm, ul(v, nm == "seL4_UserTop") if v > 0xffff else str(v)))
    for nm in sorted(set(A.sizes) - set(REQUIRED["sizes"])):
        o.append("#define %-36s %d" % (nm, A.sizes[nm]))
    for nm in REQUIRED["limits"]:
        o.append("#define %-36s %d" % (nm, A.limits[nm]))
    o.append("#define %-36s %d" % ("seL4_CapRightsBits", A.cap_rights_bits))
    o.append("/* Extra refills a scheduling context of 2^size bytes can hold. */")
    o.append("#define seL4_MaxExtraRefills(size) \\\n"
             "    (((KEEL_UL(1) << (size)) - seL4_CoreSchedContextBytes) / seL4_RefillSizeBytes)")
    o.append("#define %-36s %d" % ("KEEL_SCHED_CONTEXT_CORE_BYTES", A.sc_core_bytes))
    o.append("#define %-36s %d" % ("KEEL_MIN_REFILLS", A.min_refills))
    o.append("/* Refill slots in a scheduling context of 2^size bytes. */")
    o.append("#define KEEL_REFILLS_FOR_SIZE(size) \\\n"
             "    (((KEEL_UL(1) << (size)) - KEEL_SCHED_CONTEXT_CORE_BYTES) / seL4_RefillSizeBytes)")
    for obj, bits in sorted(A.object_bits.items(), key=lambda x: dict(A.objects)[x[0]]):
        o.append("#define %-36s %d" % ("KEEL_OBJ_BITS_" + obj[len("seL4_"):], bits))
    o.append("")

    # ---- configuration --------------------------------------------------------------
    c = A.config
    o.append("/* ---- Configuration of the described build (ABI preamble, (k)) ------------- */")
    cfg_out = [
        ("KEEL_TIMER_CLOCK_HZ", c["TIMER_CLOCK_HZ"]),
        ("KEEL_KERNEL_WCET_US", c["KERNEL_WCET_US"]),
        ("KEEL_KERNEL_WCET_SCALE", c["KERNEL_WCET_SCALE"]),
        ("KEEL_MIN_BUDGET_US", A.min_budget_us),
        ("KEEL_MIN_BUDGET_TICKS", A.min_budget_ticks),
        ("KEEL_MAX_PERIOD_US", A.max_period_us),
        ("KEEL_ROOT_CNODE_SIZE_BITS", c["ROOT_CNODE_SIZE_BITS"]),
        ("KEEL_ROOT_CNODE_GUARD_SIZE", A.root_cnode_guard_size),
        ("KEEL_ROOT_SC_SIZE_BITS", A.root_sc_bits),
        ("KEEL_MAX_BOOTINFO_UNTYPEDS", c["MAX_NUM_BOOTINFO_UNTYPED_CAPS"]),
        ("KEEL_KERNEL_TIMER_IRQ", c["KERNEL_TIMER_IRQ"]),
        ("KEEL_MAX_IRQ", c["MAX_IRQ"]),
        ("KEEL_NUM_PRIORITIES", c["NUM_PRIORITIES"]),
        ("KEEL_NUM_DOMAINS", c["NUM_DOMAINS"]),
        ("KEEL_BOOT_TIME_SLICE_MS", c["BOOT_THREAD_TIME_SLICE"]),
        ("KEEL_RETYPE_FAN_OUT_LIMIT", c["RETYPE_FAN_OUT_LIMIT"]),
        ("KEEL_PADDR_USER_DEVICE_TOP", c["PADDR_USER_DEVICE_TOP"]),
        ("KEEL_THREAD_NAME_BYTES", A.thread_name_bytes),
        ("KEEL_DEBUG_NAME_OFFSET", A.name_offset),
        ("KEEL_DEBUG_NAME_SCAN_BYTES", A.name_scan_bytes),
        ("KEEL_SPSR_USER_KEEP_MASK", A.spsr_keep_mask),
        ("KEEL_SPSR_USER_BITS", A.spsr_user_bits),
    ]
    for nm, v in cfg_out:
        hexa = nm.startswith("KEEL_SPSR") or nm == "KEEL_PADDR_USER_DEVICE_TOP"
        o.append("#define %-36s %s" % (nm, ul(v, hexa) if (v > 0xffff or hexa) else str(v)))
    o.append("/* Every `NAME=value` configuration setting named in the ABI preamble. */")
    for k in sorted(c):
        v = c[k]
        o.append("#define %-36s %s" % ("KEEL_CONFIG_" + k, ul(v, "PADDR" in k) if v > 0xffff else str(v)))
    o.append("")

    # ---- message info ---------------------------------------------------------------
    o.append("/* ---- seL4_MessageInfo word (ABI (b)) ----------------------------------- */")
    for f, shift, width in A.msginfo:
        up = camel_to_upper(f)
        o.append("#define %-36s %d" % ("KEEL_MSGINFO_%s_SHIFT" % up, shift))
        o.append("#define %-36s %d" % ("KEEL_MSGINFO_%s_BITS" % up, width))
        o.append("#define %-36s %s" % ("KEEL_MSGINFO_%s_MASK" % up, ul((1 << width) - 1, True)))
    o.append("")
    o.append("/* ---- CNode cap data (guard) word (ABI (c)) ---------------------------- */")
    for f, shift, width in A.cnode_data:
        up = camel_to_upper(f)
        o.append("#define %-36s %d" % ("KEEL_CNODE_DATA_%s_SHIFT" % up, shift))
        o.append("#define %-36s %d" % ("KEEL_CNODE_DATA_%s_BITS" % up, width))
        o.append("#define %-36s %s" % ("KEEL_CNODE_DATA_%s_MASK" % up, ul((1 << width) - 1, True)))
    o.append("")
    o.append("/* ---- Cap rights word (ABI (c)); *_BIT is the mask, *_SHIFT the position - */")
    for right, bit, sel4name in A.rights:
        up = camel_to_upper(right)
        o.append("#define %-36s %s  /* %s */" % ("KEEL_RIGHT_%s_BIT" % up, c_hex(1 << bit), sel4name))
        o.append("#define %-36s %d" % ("KEEL_RIGHT_%s_SHIFT" % up, bit))
    for nm, v in A.rights_combos:
        o.append("#define %-36s %s  /* %s */" % ("KEEL_RIGHTS_" + camel_to_upper(nm[len("seL4_"):]), c_hex(v), nm))
    o.append("")

    # ---- IPC buffer -----------------------------------------------------------------
    o.append("/* ---- IPC buffer: word index of each field (ABI (b)) ---------------------- */")
    for f, w, cnt in A.ipcbuf:
        o.append("#define %-36s %d" % ("KEEL_IPCBUF_" + camel_to_upper(f), w))
        if cnt > 1:
            o.append("#define %-36s %d" % ("KEEL_IPCBUF_" + camel_to_upper(f) + "_COUNT", cnt))
    o.append("#define %-36s %d" % ("KEEL_IPCBUF_WORDS", A.ipcbuf_size // 8))
    o.append("#define %-36s %d" % ("KEEL_IPCBUF_SIZE", A.ipcbuf_size))
    o.append("#define %-36s %d" % ("KEEL_IPCBUF_ALIGN", A.ipcbuf_align))
    o.append("")

    # ---- bootinfo -------------------------------------------------------------------
    o.append("/* ---- seL4_BootInfo byte offsets (ABI (g)) -------------------------------- */")
    for name, off, count, ty in A.bootinfo:
        o.append("#define %-36s %d" % ("KEEL_BI_OFF_" + name, off))
    for name, off, count, ty in A.bootinfo:
        o.append("#define %-36s %d" % ("KEEL_BI_OFF_" + camel_to_upper(name), off))
    o.append("#define %-36s %d" % ("KEEL_BI_SIZE", A.bi_size))
    for name, off, count, ty in A.bootinfo:
        if count is not None:
            o.append("#define %-36s %d" % ("KEEL_BI_" + camel_to_upper(name) + "_LEN", count))
    o.append("#define %-36s %d" % ("KEEL_BI_SLOT_REGION_SIZE", 16))
    o.append("#define %-36s %d" % ("KEEL_UTDESC_SIZE", A.utdesc[0]))
    o.append("#define %-36s %d" % ("KEEL_UTDESC_OFF_paddr", A.utdesc[1]))
    o.append("#define %-36s %d" % ("KEEL_UTDESC_OFF_sizeBits", A.utdesc[2]))
    o.append("#define %-36s %d" % ("KEEL_UTDESC_OFF_isDevice", A.utdesc[3]))
    o.append("#define %-36s %d" % ("KEEL_BI_EXTRA_OFFSET", A.extra_bi_offset))
    o.append("#define %-36s %d" % ("KEEL_BI_HEADER_OFF_id", A.bi_header[0]))
    o.append("#define %-36s %d" % ("KEEL_BI_HEADER_OFF_len", A.bi_header[1]))
    o.append("#define %-36s %d" % ("KEEL_BI_HEADER_SIZE", A.bi_header[2]))
    for nm, v in A.bi_header_ids:
        o.append("#define %-36s %d" % (nm, v))
    spsr = re.match(r"^(0x[0-9A-Fa-f]+)", A.root_state.get("SPSR", ""))
    if not spsr:
        die("root task SPSR not found")
    o.append("#define %-36s %s" % ("KEEL_ROOT_TASK_SPSR", spsr.group(1)))
    o.append("")

    # ---- user context ---------------------------------------------------------------
    o.append("/* ---- seL4_UserContext word order (ABI (i)) ------------------------------ */")
    for i, r in enumerate(A.user_context):
        o.append("#define %-36s %d" % ("KEEL_UC_" + r.upper(), i))
    o.append("#define %-36s %d" % ("KEEL_UC_COUNT", len(A.user_context)))
    o.append("#define %-36s %d" % ("KEEL_UC_FRAME_FIRST", A.uc_frame[0]))
    o.append("#define %-36s %d" % ("KEEL_UC_FRAME_COUNT", A.uc_frame[1] - A.uc_frame[0] + 1))
    o.append("#define %-36s %d" % ("KEEL_UC_INTEGER_FIRST", A.uc_integer[0]))
    o.append("#define %-36s %d" % ("KEEL_UC_INTEGER_COUNT", A.uc_integer[1] - A.uc_integer[0] + 1))
    o.append("")

    # ---- syscalls as defines (assembler friendly) -------------------------------------
    o.append("/* ---- System call numbers, x7 (ABI (a)) ---------------------------------- */")
    for nm, v in A.syscalls:
        o.append("#define %-36s (%d)" % ("KEEL_SYSCALL_" + camel_to_upper(nm[len("seL4_Sys"):]), v))
    o.append("#define %-36s (%d)" % ("KEEL_SYSCALL_API_FIRST", A.api_syscall_range[0]))
    o.append("#define %-36s (%d)" % ("KEEL_SYSCALL_API_LAST", A.api_syscall_range[1]))
    o.append("")

    # ---- labels: min lengths/extra caps (assembler friendly) -------------------------
    o.append("/* ---- Per-label message shape: minimum length and extra caps (INVOCATIONS) - */")
    for inv in A.invocations:
        o.append("#define %-52s %d" % ("KEEL_LABEL_MIN_LENGTH_" + inv["enum"], min_length(inv)))
    for inv in A.invocations:
        o.append("#define %-52s %d" % ("KEEL_LABEL_EXTRA_CAPS_" + inv["enum"], inv["extra_caps"]))
    o.append("")

    o.append("#ifndef __ASSEMBLER__")
    o.append("")
    # labels
    n = A.numbering
    gen = [i for i in A.invocations if i["group"].startswith("generic")]
    s4a = [i for i in A.invocations if i["group"].startswith("sel4arch")]
    arc = [i for i in A.invocations if i["group"].startswith("arch")]
    ents = [("InvalidInvocation", str(n["InvalidInvocation"]))]
    ents += [(i["enum"], str(i["label"])) for i in gen]
    ents.append(("nInvocationLabels", str(n["nInvocationLabels"])))
    emit_enum(o, "invocation_label", ents, comment="Invocation labels (msginfo.label), generic methods")
    ents = []
    for k, i in enumerate(s4a):
        ents.append((i["enum"], "nInvocationLabels" if k == 0 else str(i["label"])))
    ents.append(("nSeL4ArchInvocationLabels", str(n["nSeL4ArchInvocationLabels"])))
    emit_enum(o, "sel4_arch_invocation_label", ents, comment="AArch64-specific methods")
    ents = []
    for k, i in enumerate(arc):
        ents.append((i["enum"], "nSeL4ArchInvocationLabels" if k == 0 else str(i["label"])))
    ents.append(("nArchInvocationLabels", str(n["nArchInvocationLabels"])))
    emit_enum(o, "arch_invocation_label", ents, comment="ARM methods")

    o.append("#ifdef KEEL_ABI_LABEL_NAMES")
    o.append("/* \"Interface.Method\" of every label, for messages and debugging. */")
    o.append("static const char *const keel_label_names[nArchInvocationLabels] = {")
    o.append('    [InvalidInvocation] = "InvalidInvocation",')
    for i in A.invocations:
        o.append('    [%s] = "%s.%s",' % (i["enum"], i["interface"][len("seL4_"):], i["method"]))
    o.append("};")
    o.append("#endif")
    o.append("")

    emit_enum(o, "seL4_Syscall_ID", [(nm, str(v)) for nm, v in A.syscalls], typedef="seL4_Syscall_ID",
              comment="System call numbers (x7)")
    emit_enum(o, "seL4_Error", A_pairs(A.errors + [("seL4_NumErrors", A.num_errors)]),
              typedef="seL4_Error", comment="Invocation error codes (reply label)")
    emit_enum(o, "seL4_LookupFailureType", A_pairs(A.lookup), typedef="seL4_LookupFailureType",
              comment="Lookup failure types (FailedLookup details, CapFault MR3)")
    emit_enum(o, "seL4_ObjectType", A_pairs(A.objects), typedef="seL4_ObjectType",
              comment="Untyped_Retype object types")
    emit_enum(o, "seL4_FaultType", A_pairs(A.faults), typedef="seL4_FaultType",
              comment="Fault types (msginfo.label of a fault message)")
    for prefix, idx, length in A.fault_msgs:
        ents = [("%s_%s" % (prefix, s), str(v)) for s, v in idx]
        ents.append(("%s_Length" % prefix, str(length)))
        emit_enum(o, prefix + "_Msg", ents, typedef=prefix + "_Msg",
                  comment="%s message registers" % prefix[len("seL4_"):])
    tr = []
    for i, r in enumerate(A.timeout_reply):
        nm = {"FaultIP": "FaultIP", "SP": "SP", "SPSR": "SPSR_EL1"}.get(r, r.upper())
        tr.append(("seL4_TimeoutReply_" + nm, str(i)))
    tr.append(("seL4_TimeoutReply_Length", str(len(A.timeout_reply))))
    emit_enum(o, "seL4_TimeoutReply_Msg", tr, typedef="seL4_TimeoutReply_Msg",
              comment="Reply to a Timeout fault: register order")
    emit_enum(o, "cap_tag", A_pairs(A.cap_tags), typedef="cap_tag_t",
              comment="Kernel cap-type tags (DebugCapIdentify results)")
    emit_enum(o, "seL4_RootCNodeCapSlots", A_pairs(A.initial_caps + [("seL4_NumInitialCaps", A.num_initial_caps)]),
              comment="Initial CSpace of the root task")
    emit_enum(o, "seL4_ARM_VMAttributes", A_pairs(A.vmattrs), comment="VM attributes (Page_Map attr)")
    emit_enum(o, "seL4_SchedContextFlag", A_pairs(A.sc_flags), comment="SchedControl_ConfigureFlags flags")
    emit_enum(o, "seL4_TCBFlag", A_pairs([("seL4_TCBFlag_NoFlag", 0)] + A.tcb_flags), comment="TCB_SetFlags flags")
    o.append("#endif /* !__ASSEMBLER__ */")
    o.append("")
    o.append("#endif /* KEEL_ABI_GEN_H */")
    return "\n".join(o) + "\n"


def A_pairs(lst):
    return [(n, str(v)) for n, v in lst]


def min_length(inv):
    ml = inv["msg_length"]
    if isinstance(ml, int):
        return ml
    m = re.match(r"^(\d+)", str(ml))
    if not m:
        die("%s: unreadable msg_length %r" % (inv["enum"], ml))
    return int(m.group(1))


# --------------------------------------------------------------------------------------
# Output: sel4/invocation_stubs_gen.h
# --------------------------------------------------------------------------------------

STRUCT_TYPES = {"seL4_UserContext", "seL4_ARM_SMCContext"}


def stub_name(inv):
    return "%s_%s" % (inv["interface"], inv["method"])


def struct_fields(A, ctype):
    if ctype == "seL4_UserContext":
        return list(A.user_context)
    if ctype == "seL4_ARM_SMCContext":
        return ["x%d" % k for k in range(8)]
    die("unknown struct type %s" % ctype)


def gen_stubs_h(A):
    o = [HEADER_NOTE]
    o.append("#ifndef KEEL_SEL4_INVOCATION_STUBS_GEN_H")
    o.append("#define KEEL_SEL4_INVOCATION_STUBS_GEN_H")
    o.append("")
    o.append("/* Included by <sel4/invocation.h>; needs the libsel4 types and IPC helpers. */")
    o.append("")
    # result structs
    for inv in A.invocations:
        outs = inv["outputs"]
        if outs and all(x["c_type"] not in STRUCT_TYPES for x in outs):
            nm = stub_name(inv)
            o.append("struct %s {" % nm)
            o.append("    int error;")
            for x in outs:
                o.append("    %s %s;" % (x["c_type"], x["name"]))
            o.append("};")
            o.append("typedef struct %s %s_t;" % (nm, nm))
            o.append("")
    for inv in A.invocations:
        o += gen_one_stub(A, inv)
    o.append("#endif /* KEEL_SEL4_INVOCATION_STUBS_GEN_H */")
    return "\n".join(o) + "\n"


def gen_one_stub(A, inv):
    nm = stub_name(inv)
    outs = inv["outputs"]
    scalar_out = outs and all(x["c_type"] not in STRUCT_TYPES for x in outs)
    struct_out = [x for x in outs if x["c_type"] in STRUCT_TYPES]
    if outs and not scalar_out and len(struct_out) != len(outs):
        die("%s: mixed scalar and struct outputs" % inv["enum"])
    params = ["%s _service" % inv["interface"]]
    for a in inv["inputs"]:
        if a["c_type"] in STRUCT_TYPES:
            params.append("%s *%s" % (a["c_type"], a["name"]))
        else:
            params.append("%s %s" % (a["c_type"], a["name"]))
    for x in struct_out:
        params.append("%s *%s" % (x["c_type"], x["name"]))
    rtype = ("%s_t" % nm) if scalar_out else "seL4_Error"
    length = inv["msg_length"]
    if not isinstance(length, int):
        # WriteRegisters: "2+count (libsel4 sends 38)": send the full context
        m = re.search(r"sends (\d+)", str(length))
        if not m:
            die("%s: cannot work out the message length from %r" % (inv["enum"], length))
        length = int(m.group(1))
    L = []
    L.append("/* %s.%s: label %s, length %d, %d extra cap(s). */" %
             (inv["interface"], inv["method"], inv["enum"], length, inv["extra_caps"]))
    L.append("LIBSEL4_INLINE %s" % rtype)
    L.append("%s(%s)" % (nm, ", ".join(params)))
    L.append("{")
    if scalar_out:
        L.append("    %s_t result = { .error = 0 };" % nm)
    else:
        L.append("    seL4_Error result;")
    L.append("    seL4_MessageInfo_t tag = seL4_MessageInfo_new(%s, 0, %d, %d);" %
             (inv["enum"], inv["extra_caps"], length))
    L.append("    seL4_MessageInfo_t output_tag;")
    L.append("    seL4_Word reply_label;")
    L.append("    seL4_Word mr0 = 0, mr1 = 0, mr2 = 0, mr3 = 0;")
    L.append("")
    # extra caps
    for a in inv["inputs"]:
        if a["passed_as"] == "extra_cap":
            L.append("    seL4_SetCap(%d, %s);" % (a["cap_index"], a["name"]))
    # marshal MRs
    words = {}
    for a in inv["inputs"]:
        if a["passed_as"] == "mr":
            expr = arg_expr(a)
            words.setdefault(a["mr"], []).append(expr)
        elif a["passed_as"] == "mr_range":
            fields = struct_fields(A, a["c_type"])
            if len(fields) != a["mr_count"]:
                die("%s: %s has %d fields, json says %d" % (inv["enum"], a["c_type"], len(fields), a["mr_count"]))
            for k, f in enumerate(fields):
                words.setdefault(a["mr_first"] + k, []).append("%s->%s" % (a["name"], f))
    for mr in sorted(words):
        expr = " | ".join(words[mr])
        if mr < 4:
            L.append("    mr%d = %s;" % (mr, expr))
        else:
            L.append("    seL4_SetMR(%d, %s);" % (mr, expr))
    L.append("")
    L.append("    output_tag = seL4_CallWithMRs(_service, tag, &mr0, &mr1, &mr2, &mr3);")
    L.append("    reply_label = seL4_MessageInfo_get_label(output_tag);")
    if scalar_out:
        L.append("    result.error = (int)reply_label;")
    else:
        L.append("    result = (seL4_Error)reply_label;")
    L.append("")
    L.append("    /* On error the details are in MR0..: make them readable with seL4_GetMR. */")
    L.append("    if (reply_label != seL4_NoError) {")
    L.append("        seL4_SetMR(0, mr0);")
    L.append("        seL4_SetMR(1, mr1);")
    L.append("        seL4_SetMR(2, mr2);")
    L.append("        seL4_SetMR(3, mr3);")
    if scalar_out or struct_out:
        L.append("        return result;")
    L.append("    }")
    if scalar_out:
        for x in outs:
            L.append("    result.%s = %s;" % (x["name"], mr_read(x["mr"], x)))
    for x in struct_out:
        fields = struct_fields(A, x["c_type"])
        if len(fields) != x["mr_count"]:
            die("%s: output %s size mismatch" % (inv["enum"], x["name"]))
        for k, f in enumerate(fields):
            L.append("    %s->%s = %s;" % (x["name"], f, mr_read(x["mr_first"] + k, None)))
    L.append("    return result;")
    L.append("}")
    L.append("")
    return L


def mr_read(mr, x):
    src = ("mr%d" % mr) if mr < 4 else ("seL4_GetMR(%d)" % mr)
    if x is not None and x.get("bit_offset", 0):
        src = "(%s >> %d)" % (src, x["bit_offset"])
    return src


def arg_expr(a):
    name = a["name"]
    ct = a["c_type"]
    w = a["width_bits"]
    off = a.get("bit_offset", 0)
    if ct == "seL4_CapRights_t":
        e = "%s.words[0]" % name
    else:
        e = "(seL4_Word)%s" % name
    if w < 64:
        e = "(%s & 0x%xull)" % (e, (1 << w) - 1)
    if off:
        e = "(%s << %d)" % (e, off)
    return e


# --------------------------------------------------------------------------------------

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv):
    ap = argparse.ArgumentParser(description="Generate Keel ABI headers from the ABI description.")
    ap.add_argument("--abi-dir", default=os.path.join(REPO, "..", "shared", "abi"))
    ap.add_argument("--out-dir", default=os.path.join(REPO, "build", "gen", "include"))
    ap.add_argument("--check", action="store_true", help="cross-check derived facts")
    ap.add_argument("--stub-user", help="C file that must call every generated stub (with --check)")
    ap.add_argument("--no-write", action="store_true", help="only parse (and check)")
    args = ap.parse_args(argv)
    try:
        A = extract(os.path.abspath(args.abi_dir))
        validate(A)
        if args.check:
            problems = check(A, args.stub_user)
            if problems:
                for p in problems:
                    print("gen_abi: check failed: %s" % p, file=sys.stderr)
                return 1
        abi_h = gen_abi_h(A)
        stubs_h = gen_stubs_h(A)
    except SpecError as e:
        print("gen_abi: error: %s" % e, file=sys.stderr)
        return 1
    if not args.no_write:
        write(os.path.join(args.out_dir, "keel", "abi_gen.h"), abi_h)
        write(os.path.join(args.out_dir, "sel4", "invocation_stubs_gen.h"), stubs_h)
    if args.check:
        print("gen_abi: checks passed (%d labels, %d syscalls, %d user-context words)"
              % (len(A.invocations) + 1, len(A.syscalls), len(A.user_context)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
