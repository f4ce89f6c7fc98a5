# cmake/check_routes.cmake: a route handler missing from the route table
# fails the build.  Every function of src/http/*.c defined as
#   int api_NAME(http_request *rq)
# is a handler, and must appear in the table tg_routes[] of src/http/routes.c
# (or in a macro of its rows, RECORD_ROUTES),
# which decides who may call it (deny by default): a handler outside the table
# is unreachable today and unguarded the day someone wires it in elsewhere.
#   cmake -DSRC=<source dir> -DSTAMP=<file> -P cmake/check_routes.cmake
file(GLOB files ${SRC}/src/http/*.c)
file(READ ${SRC}/src/http/routes.c routes)
# The table and the row macros above it.
string(FIND "${routes}" "#define RECORD_ROUTES" start)
string(FIND "${routes}" "const size_t tg_routes_count" stop)
if(start EQUAL -1 OR stop EQUAL -1)
  message(FATAL_ERROR "check_routes: no route table (or RECORD_ROUTES) in src/http/routes.c")
endif()
math(EXPR len "${stop} - ${start}")
string(SUBSTRING "${routes}" ${start} ${len} table)
set(missing "")
set(count 0)
foreach(f ${files})
  file(STRINGS ${f} defs REGEX "^int api_[a-z0-9_]+\\(http_request \\*rq\\)$")
  foreach(d ${defs})
    string(REGEX REPLACE "^int (api_[a-z0-9_]+)\\(.*$" "\\1" name "${d}")
    math(EXPR count "${count} + 1")
    string(REGEX MATCH "[ ,{]${name}," hit "${table}")
    if(NOT hit)
      get_filename_component(base ${f} NAME)
      list(APPEND missing "${name} (${base})")
    endif()
  endforeach()
endforeach()
if(missing)
  string(REPLACE ";" ", " missing "${missing}")
  message(FATAL_ERROR "check_routes: handlers missing from the route table of src/http/routes.c: ${missing}")
endif()
if(count LESS 10)
  message(FATAL_ERROR "check_routes: found only ${count} handlers; is the pattern still right?")
endif()
file(WRITE ${STAMP} "${count} handlers, all in the route table\n")
