/* store_sqlite.c: placeholder, replaced by the SQLite store. */
typedef int tg_store_placeholder;
