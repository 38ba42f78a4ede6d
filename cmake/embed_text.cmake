# What the embed_*.cmake scripts share: a file's text as the body of a C
# string literal (backslashes and quotes escaped, one literal per line).
function(embed_c_literal text out)
  string(REPLACE "\\" "\\\\" text "${text}")
  string(REPLACE "\"" "\\\"" text "${text}")
  string(REPLACE "\n" "\\n\"\n\"" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()
