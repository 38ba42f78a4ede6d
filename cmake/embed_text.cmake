# What the embed_*.cmake scripts share.

# A file's text as the body of a C string literal (backslashes and quotes
# escaped, one literal per line).
function(embed_c_literal text out)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n\"\n\"" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Writes body to out, touching out only when it changed (so nothing that
# includes it rebuilds for nothing).
function(embed_write out body)
  file(WRITE ${out}.tmp "${body}")
  file(COPY_FILE ${out}.tmp ${out} ONLY_IF_DIFFERENT)
endfunction()
