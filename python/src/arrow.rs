//! A [`Table`] handed to Python through the Arrow C stream interface (the
//! `__arrow_c_stream__` PyCapsule protocol), written here for the few dtypes the tables
//! use, so the extension needs neither Rust Polars nor arrow-rs. Python Polars
//! (`pl.DataFrame(obj)`), pyarrow (`pa.table(obj)`) and others import the stream without
//! a copy of its buffers.
//!
//! The stream yields one record batch: a struct array with one child per column, each a
//! `uint32`, `uint64`, `int64`, `float64`, `large_utf8` (64-bit offsets), `bool` or
//! `timestamp[ms]` (no time zone) array with a validity bitmap where the column is
//! nullable. Non-null integer and float columns point into the table's own vectors (an
//! `Arc` keeps them alive until the consumer releases the batch); the other columns are
//! encoded into buffers of their own. Every struct follows the C data interface
//! (arrow.apache.org/docs/format/CDataInterface.html): the producer allocates, the
//! consumer calls `release` once, and `release` set to null marks a released struct.

use std::ffi::{CStr, CString, c_char, c_void};
use std::ptr::{null, null_mut};
use std::sync::Arc;

use flopmarket_tables::{Table, Values};
use pyo3::prelude::*;

/// Nullable field (the flags of the C data interface).
const ARROW_FLAG_NULLABLE: i64 = 2;

/// `struct ArrowSchema`.
#[repr(C)]
pub struct ArrowSchema {
    format: *const c_char,
    name: *const c_char,
    metadata: *const c_char,
    flags: i64,
    n_children: i64,
    children: *mut *mut ArrowSchema,
    dictionary: *mut ArrowSchema,
    release: Option<unsafe extern "C" fn(*mut ArrowSchema)>,
    private_data: *mut c_void,
}

/// `struct ArrowArray`.
#[repr(C)]
pub struct ArrowArray {
    length: i64,
    null_count: i64,
    offset: i64,
    n_buffers: i64,
    n_children: i64,
    buffers: *mut *const c_void,
    children: *mut *mut ArrowArray,
    dictionary: *mut ArrowArray,
    release: Option<unsafe extern "C" fn(*mut ArrowArray)>,
    private_data: *mut c_void,
}

/// `struct ArrowArrayStream`.
#[repr(C)]
pub struct ArrowArrayStream {
    get_schema: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowSchema) -> i32>,
    get_next: Option<unsafe extern "C" fn(*mut ArrowArrayStream, *mut ArrowArray) -> i32>,
    get_last_error: Option<unsafe extern "C" fn(*mut ArrowArrayStream) -> *const c_char>,
    release: Option<unsafe extern "C" fn(*mut ArrowArrayStream)>,
    private_data: *mut c_void,
}

// ---- schema ----

/// What an exported schema owns: its strings and its children.
struct SchemaPrivate {
    _format: CString,
    _name: CString,
    children: Vec<*mut ArrowSchema>,
}

fn schema(format: &str, name: &str, flags: i64, children: Vec<*mut ArrowSchema>) -> ArrowSchema {
    let format = CString::new(format).expect("formats have no NUL");
    let name = CString::new(name).expect("column names have no NUL");
    let mut private = Box::new(SchemaPrivate {
        _format: format,
        _name: name,
        children,
    });
    ArrowSchema {
        format: private._format.as_ptr(),
        name: private._name.as_ptr(),
        metadata: null(),
        flags,
        n_children: private.children.len() as i64,
        children: private.children.as_mut_ptr(),
        dictionary: null_mut(),
        release: Some(release_schema),
        private_data: Box::into_raw(private) as *mut c_void,
    }
}

unsafe extern "C" fn release_schema(s: *mut ArrowSchema) {
    // SAFETY: `s` is a schema this module made (its private data a SchemaPrivate), not
    // yet released; its children were boxed here and are released and freed once.
    unsafe {
        if s.is_null() || (*s).release.is_none() {
            return;
        }
        let private = Box::from_raw((*s).private_data as *mut SchemaPrivate);
        for &child in &private.children {
            if let Some(release) = (*child).release {
                release(child);
            }
            drop(Box::from_raw(child));
        }
        (*s).release = None;
    }
}

/// The schema of `table`: a struct of its columns, each nullable where its field is an
/// `Option`.
fn table_schema(table: &Table) -> ArrowSchema {
    let children = table
        .columns
        .iter()
        .map(|c| {
            let flags = if c.values.nullable() {
                ARROW_FLAG_NULLABLE
            } else {
                0
            };
            let field = schema(c.values.dtype().arrow_format(), c.name, flags, Vec::new());
            Box::into_raw(Box::new(field))
        })
        .collect();
    schema("+s", "", 0, children)
}

// ---- arrays ----

/// A buffer the array owns, 8-byte aligned (a `Vec<u64>` holds its bytes).
struct Owned(Vec<u64>);

impl Owned {
    fn from_bytes(bytes: &[u8]) -> Owned {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        // SAFETY: `words` has at least `bytes.len()` bytes, and u64 has no invalid bit
        // patterns.
        unsafe {
            std::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                words.as_mut_ptr() as *mut u8,
                bytes.len(),
            )
        };
        Owned(words)
    }

    fn of<T: Copy>(values: &[T]) -> Owned {
        // SAFETY: the values are plain integers or floats (no padding) read as bytes.
        let bytes = unsafe {
            std::slice::from_raw_parts(values.as_ptr() as *const u8, std::mem::size_of_val(values))
        };
        Owned::from_bytes(bytes)
    }

    fn ptr(&self) -> *const c_void {
        self.0.as_ptr() as *const c_void
    }
}

/// What an exported array owns: the table its borrowed buffers point into, its own
/// buffers, the buffer pointers and its children.
struct ArrayPrivate {
    _table: Option<Arc<Table>>,
    _owned: Vec<Owned>,
    buffers: Vec<*const c_void>,
    children: Vec<*mut ArrowArray>,
}

fn array(
    length: usize,
    null_count: usize,
    table: Option<Arc<Table>>,
    owned: Vec<Owned>,
    buffers: Vec<*const c_void>,
    children: Vec<*mut ArrowArray>,
) -> ArrowArray {
    let mut private = Box::new(ArrayPrivate {
        _table: table,
        _owned: owned,
        buffers,
        children,
    });
    ArrowArray {
        length: length as i64,
        null_count: null_count as i64,
        offset: 0,
        n_buffers: private.buffers.len() as i64,
        n_children: private.children.len() as i64,
        buffers: private.buffers.as_mut_ptr(),
        children: private.children.as_mut_ptr(),
        dictionary: null_mut(),
        release: Some(release_array),
        private_data: Box::into_raw(private) as *mut c_void,
    }
}

unsafe extern "C" fn release_array(a: *mut ArrowArray) {
    // SAFETY: as `release_schema`, for arrays.
    unsafe {
        if a.is_null() || (*a).release.is_none() {
            return;
        }
        let private = Box::from_raw((*a).private_data as *mut ArrayPrivate);
        for &child in &private.children {
            if let Some(release) = (*child).release {
                release(child);
            }
            drop(Box::from_raw(child));
        }
        (*a).release = None;
    }
}

/// The validity bitmap (LSB first) of `valid` and its null count.
fn validity(valid: impl ExactSizeIterator<Item = bool>) -> (Owned, usize) {
    let mut bytes = vec![0u8; valid.len().div_ceil(8)];
    let mut nulls = 0;
    for (i, v) in valid.enumerate() {
        if v {
            bytes[i / 8] |= 1 << (i % 8);
        } else {
            nulls += 1;
        }
    }
    (Owned::from_bytes(&bytes), nulls)
}

/// A nullable primitive column: values (0 where null) and validity.
fn nullable<T: Copy + Default>(values: &[Option<T>]) -> ArrowArray {
    let (bits, nulls) = validity(values.iter().map(Option::is_some));
    let data = Owned::of(
        &values
            .iter()
            .map(|v| v.unwrap_or_default())
            .collect::<Vec<T>>(),
    );
    let buffers = vec![bits.ptr(), data.ptr()];
    array(
        values.len(),
        nulls,
        None,
        vec![bits, data],
        buffers,
        Vec::new(),
    )
}

/// A non-null primitive column, its values borrowed from the table.
fn borrowed<T>(table: &Arc<Table>, values: &[T]) -> ArrowArray {
    let buffers = vec![null(), values.as_ptr() as *const c_void];
    array(
        values.len(),
        0,
        Some(table.clone()),
        Vec::new(),
        buffers,
        Vec::new(),
    )
}

/// A `large_utf8` column.
fn strings<'a>(len: usize, values: impl Iterator<Item = Option<&'a str>>) -> ArrowArray {
    let mut offsets: Vec<i64> = Vec::with_capacity(len + 1);
    let mut data: Vec<u8> = Vec::new();
    let mut valid = Vec::with_capacity(len);
    offsets.push(0);
    for v in values {
        valid.push(v.is_some());
        data.extend_from_slice(v.unwrap_or("").as_bytes());
        offsets.push(data.len() as i64);
    }
    let (bits, nulls) = validity(valid.into_iter());
    let (offsets, data) = (Owned::of(&offsets), Owned::from_bytes(&data));
    let buffers = vec![bits.ptr(), offsets.ptr(), data.ptr()];
    array(
        len,
        nulls,
        None,
        vec![bits, offsets, data],
        buffers,
        Vec::new(),
    )
}

fn column_array(table: &Arc<Table>, values: &Values) -> ArrowArray {
    match values {
        Values::U32(v) => borrowed(table, v),
        Values::U64(v) => borrowed(table, v),
        Values::F64(v) => borrowed(table, v),
        Values::OptU32(v) => nullable(v),
        Values::OptU64(v) => nullable(v),
        Values::OptF64(v) => nullable(v),
        Values::OptI64(v) | Values::DateMs(v) => nullable(v),
        Values::Str(v) => strings(v.len(), v.iter().map(|s| Some(s.as_str()))),
        Values::OptStr(v) => strings(v.len(), v.iter().map(|s| s.as_deref())),
        Values::Bool(v) => {
            let (bits, _) = validity(v.iter().copied());
            let buffers = vec![null(), bits.ptr()];
            array(v.len(), 0, None, vec![bits], buffers, Vec::new())
        }
    }
}

/// `table` as one struct array (a record batch).
fn table_array(table: &Arc<Table>) -> ArrowArray {
    let children = table
        .columns
        .iter()
        .map(|c| Box::into_raw(Box::new(column_array(table, &c.values))))
        .collect();
    array(table.rows, 0, None, Vec::new(), vec![null()], children)
}

// ---- stream ----

struct StreamPrivate {
    table: Arc<Table>,
    sent: bool,
}

unsafe extern "C" fn stream_schema(s: *mut ArrowArrayStream, out: *mut ArrowSchema) -> i32 {
    // SAFETY: `s` is a live stream of this module; `out` points to space for a schema.
    unsafe {
        let private = &*((*s).private_data as *const StreamPrivate);
        out.write(table_schema(&private.table));
    }
    0
}

unsafe extern "C" fn stream_next(s: *mut ArrowArrayStream, out: *mut ArrowArray) -> i32 {
    // SAFETY: as `stream_schema`; after the one batch, a released array ends the stream.
    unsafe {
        let private = &mut *((*s).private_data as *mut StreamPrivate);
        if private.sent {
            out.write(ArrowArray {
                length: 0,
                null_count: 0,
                offset: 0,
                n_buffers: 0,
                n_children: 0,
                buffers: null_mut(),
                children: null_mut(),
                dictionary: null_mut(),
                release: None,
                private_data: null_mut(),
            });
        } else {
            private.sent = true;
            out.write(table_array(&private.table));
        }
    }
    0
}

unsafe extern "C" fn stream_error(_: *mut ArrowArrayStream) -> *const c_char {
    null()
}

unsafe extern "C" fn release_stream(s: *mut ArrowArrayStream) {
    // SAFETY: as `release_schema`, for the stream.
    unsafe {
        if s.is_null() || (*s).release.is_none() {
            return;
        }
        drop(Box::from_raw((*s).private_data as *mut StreamPrivate));
        (*s).release = None;
    }
}

fn stream(table: Arc<Table>) -> ArrowArrayStream {
    ArrowArrayStream {
        get_schema: Some(stream_schema),
        get_next: Some(stream_next),
        get_last_error: Some(stream_error),
        release: Some(release_stream),
        private_data: Box::into_raw(Box::new(StreamPrivate { table, sent: false })) as *mut c_void,
    }
}

/// The PyCapsule name the protocol requires.
const STREAM_CAPSULE: &CStr = c"arrow_array_stream";

unsafe extern "C" fn drop_stream_capsule(capsule: *mut pyo3::ffi::PyObject) {
    // SAFETY: the capsule holds a boxed stream made by `arrow_c_stream`; a consumer that
    // took the stream set its `release` to null.
    unsafe {
        let s = pyo3::ffi::PyCapsule_GetPointer(capsule, STREAM_CAPSULE.as_ptr())
            as *mut ArrowArrayStream;
        if s.is_null() {
            pyo3::ffi::PyErr_Clear();
            return;
        }
        release_stream(s);
        drop(Box::from_raw(s));
    }
}

/// One table of a run, readable by any Arrow consumer (`pl.DataFrame(table)`,
/// `pa.table(table)`) through `__arrow_c_stream__`.
#[pyclass(module = "flopmarket._native", frozen)]
pub struct NativeTable {
    table: Arc<Table>,
}

impl NativeTable {
    /// The table `table`, shared.
    pub fn new(table: Arc<Table>) -> NativeTable {
        NativeTable { table }
    }
}

#[pymethods]
impl NativeTable {
    /// The table as a PyCapsule holding an `ArrowArrayStream` of one record batch. A
    /// requested schema is not honoured (the table has one schema; consumers cast).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let _ = requested_schema;
        let s = Box::into_raw(Box::new(stream(self.table.clone())));
        // SAFETY: `s` is a valid boxed stream; the capsule's destructor frees it.
        unsafe {
            let capsule = pyo3::ffi::PyCapsule_New(
                s as *mut c_void,
                STREAM_CAPSULE.as_ptr(),
                Some(drop_stream_capsule),
            );
            if capsule.is_null() {
                release_stream(s);
                drop(Box::from_raw(s));
                return Err(PyErr::fetch(py));
            }
            Ok(Bound::from_owned_ptr(py, capsule))
        }
    }

    /// Rows.
    #[getter]
    fn rows(&self) -> usize {
        self.table.rows
    }

    /// Column names, in order.
    #[getter]
    fn columns(&self) -> Vec<&'static str> {
        self.table.names()
    }

    /// Each column's dtype as Polars names it (`UInt32`, `Datetime(ms)`, ...), in order:
    /// the schema the Arrow stream carries.
    #[getter]
    fn dtypes(&self) -> Vec<&'static str> {
        self.table
            .columns
            .iter()
            .map(|c| c.values.dtype().polars_name())
            .collect()
    }
}
