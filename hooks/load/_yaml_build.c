/* Plain located YAML built from libyaml's events in C: the compiled twin of
 * govcell.load.yaml_events._EventBuilder (see that module for the rules).
 *
 * build(text, first, words, resolve) -> (data, marks, key_marks) or None
 *
 *   text     the document (str); parsed as UTF-8, as PyYAML's CParser does
 *   first    the characters a plain scalar may start with to resolve to anything
 *            but a string, apart from the letters of WORD_SCALARS (str)
 *   words    WORD_SCALARS (frozenset of str)
 *   resolve  resolve(value) -> the plain scalar's value; raises to say "exotic"
 *
 * None means "the composer must do it": an anchor, alias or explicit tag, a
 * non-scalar or duplicate key, a second document, nesting deeper than
 * MAX_DEPTH, or anything libyaml refuses.  Same values, same marks, same order
 * as the Python builder: the tests compare both on every YAML file they have.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <yaml.h>

#define MAX_DEPTH 200

typedef struct {
    yaml_parser_t parser;
    PyObject *marks;      /* dict path -> (line, col) */
    PyObject *key_marks;  /* dict path -> (line, col) */
    PyObject *first;      /* str */
    PyObject *words;      /* frozenset */
    PyObject *resolve;    /* callable */
    int exotic;           /* set when the result must come from the composer */
} Builder;

/* 1: got an event; 0: libyaml refused the document (exotic). */
static int next_event(Builder *b, yaml_event_t *ev) {
    if (!yaml_parser_parse(&b->parser, ev)) {
        b->exotic = 1;
        return 0;
    }
    return 1;
}

static int put_mark(PyObject *dict, PyObject *path, yaml_mark_t m) {
    PyObject *line = PyLong_FromSize_t(m.line + 1), *col = line ? PyLong_FromSize_t(m.column + 1) : NULL;
    PyObject *pos = col ? PyTuple_New(2) : NULL;
    if (pos == NULL) { Py_XDECREF(line); Py_XDECREF(col); return -1; }
    PyTuple_SET_ITEM(pos, 0, line);
    PyTuple_SET_ITEM(pos, 1, col);
    int rc = PyDict_SetItem(dict, path, pos);
    Py_DECREF(pos);
    return rc;
}

static PyObject *extend(PyObject *path, PyObject *item) {
    Py_ssize_t n = PyTuple_GET_SIZE(path);
    PyObject *sub = PyTuple_New(n + 1);
    if (sub == NULL) return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *x = PyTuple_GET_ITEM(path, i);
        Py_INCREF(x);
        PyTuple_SET_ITEM(sub, i, x);
    }
    Py_INCREF(item);
    PyTuple_SET_ITEM(sub, n, item);
    return sub;
}

/* A scalar event's value: a str, or what resolve() makes of a plain scalar that may be more. */
static PyObject *scalar_value(Builder *b, yaml_event_t *ev) {
    PyObject *v = PyUnicode_DecodeUTF8((const char *)ev->data.scalar.value,
                                       (Py_ssize_t)ev->data.scalar.length, "strict");
    if (v == NULL) return NULL;
    if (!ev->data.scalar.plain_implicit) return v;
    int settle = PyUnicode_GET_LENGTH(v) == 0;
    if (!settle) {
        Py_UCS4 c = PyUnicode_READ_CHAR(v, 0);
        Py_ssize_t at = PyUnicode_FindChar(b->first, c, 0, PyUnicode_GET_LENGTH(b->first), 1);
        if (at == -2) { Py_DECREF(v); return NULL; }
        settle = at >= 0;
        if (!settle) {
            int in_words = PySet_Contains(b->words, v);
            if (in_words < 0) { Py_DECREF(v); return NULL; }
            settle = in_words;
        }
    }
    if (!settle) return v;
    PyObject *out = PyObject_CallOneArg(b->resolve, v);
    Py_DECREF(v);
    if (out == NULL && PyErr_ExceptionMatches(PyExc_Exception)) {
        PyErr_Clear();
        b->exotic = 1;
    }
    return out;
}

static PyObject *node(Builder *b, yaml_event_t *ev, PyObject *path, int depth);

static PyObject *mapping(Builder *b, PyObject *path, int depth) {
    PyObject *out = PyDict_New();
    if (out == NULL) return NULL;
    for (;;) {
        yaml_event_t ev;
        if (!next_event(b, &ev)) goto fail;
        if (ev.type == YAML_MAPPING_END_EVENT) { yaml_event_delete(&ev); return out; }
        if (ev.type != YAML_SCALAR_EVENT || ev.data.scalar.anchor != NULL || ev.data.scalar.tag != NULL) {
            yaml_event_delete(&ev);  /* a complex key, an alias, an anchored or tagged key */
            b->exotic = 1;
            goto fail;
        }
        PyObject *key = scalar_value(b, &ev);
        yaml_mark_t key_mark = ev.start_mark;
        yaml_event_delete(&ev);
        if (key == NULL) goto fail;
        int dup = PyDict_Contains(out, key);
        if (dup != 0) {  /* a duplicate key: the composer reports it */
            Py_DECREF(key);
            if (dup > 0) b->exotic = 1;
            goto fail;
        }
        PyObject *sub = extend(path, key);
        if (sub == NULL || put_mark(b->key_marks, sub, key_mark) < 0 || !next_event(b, &ev)) {
            Py_XDECREF(sub); Py_DECREF(key);
            goto fail;
        }
        PyObject *value = NULL;
        if (ev.type == YAML_ALIAS_EVENT) {
            b->exotic = 1;
        } else if (put_mark(b->marks, sub, ev.start_mark) == 0) {
            value = node(b, &ev, sub, depth);
        }
        yaml_event_delete(&ev);
        Py_DECREF(sub);
        if (value == NULL) { Py_DECREF(key); goto fail; }
        int rc = PyDict_SetItem(out, key, value);
        Py_DECREF(key); Py_DECREF(value);
        if (rc < 0) goto fail;
    }
fail:
    Py_DECREF(out);
    return NULL;
}

static PyObject *sequence(Builder *b, PyObject *path, int depth) {
    PyObject *out = PyList_New(0);
    if (out == NULL) return NULL;
    for (;;) {
        yaml_event_t ev;
        if (!next_event(b, &ev)) goto fail;
        if (ev.type == YAML_SEQUENCE_END_EVENT) { yaml_event_delete(&ev); return out; }
        if (ev.type == YAML_ALIAS_EVENT) { yaml_event_delete(&ev); b->exotic = 1; goto fail; }
        PyObject *index = PyLong_FromSsize_t(PyList_GET_SIZE(out));
        PyObject *sub = index ? extend(path, index) : NULL;
        Py_XDECREF(index);
        PyObject *value = NULL;
        if (sub != NULL && put_mark(b->marks, sub, ev.start_mark) == 0) value = node(b, &ev, sub, depth);
        yaml_event_delete(&ev);
        Py_XDECREF(sub);
        if (value == NULL) goto fail;
        int rc = PyList_Append(out, value);
        Py_DECREF(value);
        if (rc < 0) goto fail;
    }
fail:
    Py_DECREF(out);
    return NULL;
}

/* The value that ev (a scalar or a collection's start, already marked at path) begins. */
static PyObject *node(Builder *b, yaml_event_t *ev, PyObject *path, int depth) {
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        if (ev->data.scalar.anchor != NULL || ev->data.scalar.tag != NULL) break;
        return scalar_value(b, ev);
    case YAML_MAPPING_START_EVENT:
        if (ev->data.mapping_start.anchor != NULL || ev->data.mapping_start.tag != NULL
            || depth >= MAX_DEPTH) break;
        return mapping(b, path, depth + 1);
    case YAML_SEQUENCE_START_EVENT:
        if (ev->data.sequence_start.anchor != NULL || ev->data.sequence_start.tag != NULL
            || depth >= MAX_DEPTH) break;
        return sequence(b, path, depth + 1);
    default:
        break;
    }
    b->exotic = 1;
    return NULL;
}

static PyObject *document(Builder *b) {
    PyObject *data = NULL, *empty = PyTuple_New(0);
    int documents = 0;
    if (empty == NULL) return NULL;
    for (;;) {
        yaml_event_t ev;
        if (!next_event(b, &ev)) break;
        yaml_event_type_t type = ev.type;
        if (type == YAML_STREAM_END_EVENT) {
            yaml_event_delete(&ev);
            Py_DECREF(empty);
            if (data == NULL) { Py_INCREF(Py_None); data = Py_None; }
            return data;
        }
        if (type == YAML_DOCUMENT_START_EVENT) {
            if (++documents > 1) b->exotic = 1;  /* the composer says "expected a single document" */
        } else if (type == YAML_SCALAR_EVENT || type == YAML_MAPPING_START_EVENT
                   || type == YAML_SEQUENCE_START_EVENT) {
            Py_CLEAR(data);
            if (put_mark(b->marks, empty, ev.start_mark) == 0) data = node(b, &ev, empty, 1);
            if (data == NULL) { yaml_event_delete(&ev); break; }
        } else if (type == YAML_ALIAS_EVENT) {
            b->exotic = 1;
        }
        yaml_event_delete(&ev);
        if (b->exotic) break;
    }
    Py_XDECREF(data);
    Py_DECREF(empty);
    return NULL;
}

static PyObject *build(PyObject *self, PyObject *args) {
    PyObject *text, *first, *words, *resolve;
    if (!PyArg_ParseTuple(args, "UUOO:build", &text, &first, &words, &resolve)) return NULL;
    if (!PyAnySet_Check(words) || !PyCallable_Check(resolve)) {
        PyErr_SetString(PyExc_TypeError, "build: words must be a set, resolve a callable");
        return NULL;
    }
    Py_ssize_t size;
    const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
    if (utf8 == NULL) {  /* lone surrogates: the composer says what libyaml makes of them */
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    Builder b = {.first = first, .words = words, .resolve = resolve, .exotic = 0};
    if (!yaml_parser_initialize(&b.parser)) return PyErr_NoMemory();
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)utf8, (size_t)size);
    b.marks = PyDict_New();
    b.key_marks = PyDict_New();
    PyObject *result = NULL;
    if (b.marks != NULL && b.key_marks != NULL) {
        PyObject *data = document(&b);
        if (data != NULL) {
            result = PyTuple_Pack(3, data, b.marks, b.key_marks);
            Py_DECREF(data);
        }
    }
    yaml_parser_delete(&b.parser);
    Py_XDECREF(b.marks);
    Py_XDECREF(b.key_marks);
    if (result == NULL && b.exotic && !PyErr_Occurred()) Py_RETURN_NONE;
    return result;  /* NULL only with Python's error set (memory, an interrupt in resolve) */
}

static PyMethodDef methods[] = {
    {"build", build, METH_VARARGS, "Plain located YAML from libyaml's events, or None (see the module)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_yaml_build",
    "Plain located YAML built from libyaml's events in C (govcell.load.yaml_events' compiled twin).",
    -1, methods,
};

PyMODINIT_FUNC PyInit__yaml_build(void) { return PyModule_Create(&module); }
