//! The shape of `sim/src`: its top folders are layers, each importing only from itself and
//! the layers below; no circle of imports between files; files and functions short enough
//! to read (docs/ARCHITECTURE.md, "Layers").
//!
//! A file's imports are the paths it names: `crate::…`, `super::…` and its own child
//! modules (`child::…` where it declares `mod child;`), `use` groups expanded. A path
//! resolves to the file of its longest module prefix; a name a folder's `mod.rs`
//! re-exports (`pub use child::Name`) resolves to the child that defines it. Code under
//! `#[cfg(test)]` and comments are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, bottom to top: a file may import from its own layer and those before it.
const LAYERS: &[&str] = &[
    "base", "data", "input", "parts", "scenario", "network", "run", "sweep",
];

/// Longest file [lines].
const MAX_FILE_LINES: usize = 500;

/// Longest function [lines, signature to closing brace].
const MAX_FN_LINES: usize = 80;

/// Files allowed past [`MAX_FILE_LINES`]: tables and generated code, each with why.
const LONG_FILES: &[(&str, &str)] = &[];

/// Functions allowed past [`MAX_FN_LINES`] (file, function): each with why.
const LONG_FNS: &[(&str, &str, &str)] = &[];

struct Source {
    /// Path below `src/`, with `/`.
    rel: String,
    /// Module path (`["parts", "market"]` for `parts/market/mod.rs`).
    module: Vec<String>,
    /// Text without comments and without `#[cfg(test)]` items.
    code: String,
    /// Whole text, for the length checks.
    text: String,
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

fn module_of(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(String::from)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// Removes `//` comments (not inside strings, roughly: a `//` after an odd number of
/// quotes on the line is kept) and block comments.
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut in_str = false;
        let mut cut = line.len();
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if in_str => i += 1,
                b'"' => in_str = !in_str,
                b'/' if !in_str && bytes.get(i + 1) == Some(&b'/') => {
                    cut = i;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        out.push_str(&line[..cut]);
        out.push('\n');
    }
    out
}

/// Removes items under `#[cfg(test)]`: an inline `mod … { … }` (by brace depth) or a
/// `mod …;` declaration. Returns the code and the modules declared test-only.
fn strip_tests(code: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(code.len());
    let mut test_mods = Vec::new();
    let mut lines = code.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "#[cfg(test)]" {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let Some(item) = lines.next() else { break };
        let trimmed = item.trim();
        let trimmed = trimmed
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub ");
        if let Some(name) = trimmed
            .strip_prefix("mod ")
            .and_then(|r| r.strip_suffix(';'))
        {
            test_mods.push(name.trim().to_string());
            continue;
        }
        let mut depth = item.matches('{').count() as i64 - item.matches('}').count() as i64;
        let mut opened = depth > 0;
        while !opened || depth > 0 {
            let Some(next) = lines.next() else { break };
            depth += next.matches('{').count() as i64 - next.matches('}').count() as i64;
            opened |= next.contains('{');
            if !opened && next.trim_end().ends_with(';') {
                break;
            }
        }
    }
    (out, test_mods)
}

/// Every path a `use` tree names, expanded: `a::{b, c::{d, e}}` -> a::b, a::c::d, a::c::e.
fn expand_use(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim_end_matches("::").trim();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let base = join(prefix, head);
        let mut depth = 0;
        let mut start = 0;
        for (i, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_use(&inner[start..i], &base, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand_use(&inner[start..], &base, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap().trim();
        out.push(join(prefix, path));
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a}::{b}"),
    }
}

/// The paths a file names: `use` trees expanded, and `crate::`/`super::`/child paths
/// written inline.
fn paths_named(code: &str, children: &[String]) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = rest[..at].chars().last();
        rest = &rest[at + 4..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(end) = rest.find(';') {
            expand_use(&rest[..end], "", &mut paths);
        }
    }
    let bytes = code.as_bytes();
    let word = |i: usize| i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
    let mut roots: Vec<String> = vec!["crate::".into(), "super::".into()];
    roots.extend(children.iter().map(|c| format!("{c}::")));
    for root in &roots {
        let mut from = 0;
        while let Some(at) = code[from..].find(root.as_str()) {
            let i = from + at;
            from = i + root.len();
            if word(i) || (i >= 2 && &code[i - 2..i] == "::") {
                continue;
            }
            let end = code[i..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| i + e);
            paths.push(code[i..end].trim_end_matches(':').to_string());
        }
    }
    paths
}

struct Crate {
    files: Vec<Source>,
    by_module: BTreeMap<Vec<String>, usize>,
    /// (module, name) -> the child module it is re-exported from.
    reexports: BTreeMap<(Vec<String>, String), String>,
    /// module -> the children it re-exports whole (`pub use child::*`).
    globs: BTreeMap<Vec<String>, Vec<String>>,
    /// Item names each file defines (`struct`, `enum`, `fn`, `trait`, `type`, `const`).
    defines: Vec<BTreeSet<String>>,
}

/// The names of the items a file defines at any depth (a close enough approximation).
fn defined_names(code: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in code.lines() {
        let mut t = line.trim_start();
        for p in ["pub(crate) ", "pub(super) ", "pub "] {
            t = t.strip_prefix(p).unwrap_or(t);
        }
        for kw in [
            "struct ", "enum ", "fn ", "trait ", "type ", "const ", "static ",
        ] {
            if let Some(rest) = t.strip_prefix(kw) {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    names.insert(name);
                }
            }
        }
    }
    names
}

impl Crate {
    fn read() -> Crate {
        let root = src_dir();
        let mut paths = Vec::new();
        walk(&root, &mut paths);
        let mut files = Vec::new();
        let mut test_only: BTreeSet<Vec<String>> = BTreeSet::new();
        for p in paths {
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = fs::read_to_string(&p).unwrap();
            let (code, test_mods) = strip_tests(&strip_comments(&text));
            let module = module_of(&rel);
            for m in test_mods {
                let mut t = module.clone();
                t.push(m);
                test_only.insert(t);
            }
            files.push(Source {
                rel,
                module,
                code,
                text,
            });
        }
        // A test-only module's own file (and its children) is test code.
        files.retain(|f| !test_only.iter().any(|t| f.module.starts_with(t)));
        let by_module = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.module.clone(), i))
            .collect();
        let mut reexports = BTreeMap::new();
        let mut globs: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        for f in &files {
            let mut rest = f.code.as_str();
            while let Some(at) = rest.find("pub use ") {
                rest = &rest[at + 8..];
                let Some(end) = rest.find(';') else { break };
                let mut names = Vec::new();
                expand_use(&rest[..end], "", &mut names);
                for path in names {
                    let segs: Vec<&str> = path.split("::").collect();
                    if segs.len() >= 2 && !matches!(segs[0], "crate" | "super" | "self") {
                        let name = segs.last().unwrap().to_string();
                        if name == "*" {
                            globs
                                .entry(f.module.clone())
                                .or_default()
                                .push(segs[0].to_string());
                        } else {
                            reexports.insert((f.module.clone(), name), segs[0].to_string());
                        }
                    }
                }
            }
        }
        let defines = files.iter().map(|f| defined_names(&f.code)).collect();
        Crate {
            files,
            by_module,
            reexports,
            globs,
            defines,
        }
    }

    /// The file a path (already absolute, as segments below the crate) lands in.
    fn resolve(&self, segs: &[String]) -> Option<usize> {
        for k in (1..=segs.len()).rev() {
            if let Some(&i) = self.by_module.get(&segs[..k]) {
                if let Some(name) = segs.get(k).filter(|n| !self.defines[i].contains(*n)) {
                    let glob = self.globs.get(&segs[..k]).and_then(|children| {
                        children.iter().find(|c| {
                            let mut m = segs[..k].to_vec();
                            m.push((*c).clone());
                            self.by_module
                                .get(&m)
                                .is_some_and(|&j| self.defines[j].contains(name))
                        })
                    });
                    if let Some(child) = self
                        .reexports
                        .get(&(segs[..k].to_vec(), name.clone()))
                        .or(glob)
                    {
                        let mut deeper = segs[..k].to_vec();
                        deeper.push(child.clone());
                        deeper.extend_from_slice(&segs[k..]);
                        if let Some(j) = self.resolve(&deeper) {
                            return Some(j);
                        }
                    }
                }
                return Some(i);
            }
        }
        None
    }

    /// Every file's imports, as file indices.
    fn edges(&self) -> Vec<BTreeSet<usize>> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let children: Vec<String> = f
                    .code
                    .lines()
                    .filter_map(|l| {
                        let l = l.trim();
                        let l = l
                            .strip_prefix("pub(crate) ")
                            .or(l.strip_prefix("pub "))
                            .unwrap_or(l);
                        l.strip_prefix("mod ")?
                            .strip_suffix(';')
                            .map(|n| n.trim().to_string())
                    })
                    .collect();
                let mut out = BTreeSet::new();
                for path in paths_named(&f.code, &children) {
                    let segs: Vec<String> = path.split("::").map(String::from).collect();
                    let abs: Vec<String> = match segs[0].as_str() {
                        "crate" => segs[1..].to_vec(),
                        "super" => {
                            let ups = segs.iter().take_while(|s| *s == "super").count();
                            let keep = f.module.len().saturating_sub(ups);
                            f.module[..keep]
                                .iter()
                                .cloned()
                                .chain(segs[ups..].iter().cloned())
                                .collect()
                        }
                        "self" => f
                            .module
                            .iter()
                            .cloned()
                            .chain(segs[1..].iter().cloned())
                            .collect(),
                        c if children.iter().any(|x| x == c) => f
                            .module
                            .iter()
                            .cloned()
                            .chain(segs.iter().cloned())
                            .collect(),
                        _ => continue,
                    };
                    if let Some(j) = self.resolve(&abs)
                        && j != i
                    {
                        out.insert(j);
                    }
                }
                out
            })
            .collect()
    }
}

fn layer(rel: &str) -> Option<usize> {
    let top = rel.split('/').next()?;
    LAYERS.iter().position(|l| *l == top)
}

#[test]
fn every_top_folder_of_sim_src_is_a_layer() {
    let mut extra = Vec::new();
    for e in fs::read_dir(src_dir()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name != "lib.rs" && !LAYERS.contains(&name.as_str()) {
            extra.push(name);
        }
    }
    assert!(
        extra.is_empty(),
        "sim/src holds {extra:?}: every module belongs in one of the layers {LAYERS:?}"
    );
}

#[test]
fn no_file_imports_from_a_layer_above_its_own() {
    let krate = Crate::read();
    let edges = krate.edges();
    let mut wrong = Vec::new();
    for (i, out) in edges.iter().enumerate() {
        let from = &krate.files[i].rel;
        for &j in out {
            let to = &krate.files[j].rel;
            if let (Some(a), Some(b)) = (layer(from), layer(to))
                && b > a
            {
                wrong.push(format!(
                    "{from} ({}) imports {to} ({})",
                    LAYERS[a], LAYERS[b]
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports from a layer above:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_circle_of_imports_between_files() {
    let krate = Crate::read();
    let edges = krate.edges();
    let circles = strongly_connected(&edges);
    let named: Vec<Vec<&str>> = circles
        .iter()
        .map(|c| c.iter().map(|&i| krate.files[i].rel.as_str()).collect())
        .collect();
    assert!(
        named.is_empty(),
        "files that import each other, directly or around a circle: {named:#?}"
    );
}

/// The components of more than one file (Tarjan's algorithm, iteration-free recursion is
/// fine at this size).
fn strongly_connected(edges: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    struct State<'a> {
        edges: &'a [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in s.edges[v].iter() {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut comp = Vec::new();
            loop {
                let w = s.stack.pop().unwrap();
                s.on_stack[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort_unstable();
                s.out.push(comp);
            }
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        stack: Vec::new(),
        on_stack: vec![false; n],
        next: 0,
        out: Vec::new(),
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn files_and_functions_are_short_enough_to_read() {
    let krate = Crate::read();
    let mut long = Vec::new();
    for f in &krate.files {
        let lines = f.text.lines().count();
        if lines > MAX_FILE_LINES && !LONG_FILES.iter().any(|(p, _)| *p == f.rel) {
            long.push(format!(
                "{}: {lines} lines (at most {MAX_FILE_LINES})",
                f.rel
            ));
        }
        for (name, len) in function_lengths(&f.text) {
            if len > MAX_FN_LINES && !LONG_FNS.iter().any(|(p, n, _)| *p == f.rel && *n == name) {
                long.push(format!(
                    "{}: fn {name}: {len} lines (at most {MAX_FN_LINES})",
                    f.rel
                ));
            }
        }
    }
    assert!(long.is_empty(), "too long:\n{}", long.join("\n"));
}

/// Each `fn` item's name and length [lines], from its signature to its closing brace,
/// found by brace depth (strings and comments stripped first).
fn function_lengths(text: &str) -> Vec<(String, usize)> {
    let code = strip_strings(&strip_comments(text));
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let t = t
            .trim_start_matches("pub(crate) ")
            .trim_start_matches("pub(super) ")
            .trim_start_matches("pub ")
            .trim_start_matches("const ")
            .trim_start_matches("unsafe ");
        let Some(rest) = t.strip_prefix("fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut depth = 0i64;
        let mut opened = false;
        for (j, l) in lines[i..].iter().enumerate() {
            depth += l.matches('{').count() as i64 - l.matches('}').count() as i64;
            opened |= l.contains('{');
            if !opened && l.trim_end().ends_with(';') {
                break;
            }
            if opened && depth <= 0 {
                out.push((name.clone(), j + 1));
                break;
            }
        }
    }
    out
}

/// Blanks out string and char literals' contents (so braces inside them do not count).
fn strip_strings(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut chars = code.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_str => {
                chars.next();
            }
            '"' => {
                in_str = !in_str;
                out.push('"');
            }
            '\'' if !in_str => {
                // A char literal ('{' or '\n'); a lifetime has no closing quote nearby.
                let ahead: String = chars.clone().take(3).collect();
                if ahead.starts_with('\\') && ahead.chars().nth(2) == Some('\'') {
                    chars.next();
                    chars.next();
                    chars.next();
                    out.push_str("' '");
                } else if ahead.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                    out.push_str("' '");
                } else {
                    out.push('\'');
                }
            }
            _ if in_str && c != '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}
