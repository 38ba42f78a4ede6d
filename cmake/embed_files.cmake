# Writes a C file holding every file under DIR (templates, static assets,
# message catalogues of the admin UI) as a string with its length, sorted by
# path. Invoked with -DOUT=<file> -DDIR=<folder>. Text files only.
include(${CMAKE_CURRENT_LIST_DIR}/embed_text.cmake)
file(GLOB_RECURSE FILES RELATIVE ${DIR} ${DIR}/*)
list(SORT FILES)
list(LENGTH FILES n)
set(body "/* Generated from web/ by cmake/embed_files.cmake. */\n")
string(APPEND body "#include \"words/webfiles.h\"\n\nconst web_file web_files[] = {\n")
foreach(rel ${FILES})
  file(READ ${DIR}/${rel} text)
  string(LENGTH "${text}" len)
  embed_c_literal("${text}" text)
  string(APPEND body "  {\"${rel}\",\n\"${text}\", ${len}},\n")
endforeach()
embed_write(${OUT} "${body}};\nconst int web_file_count = ${n};\n")
