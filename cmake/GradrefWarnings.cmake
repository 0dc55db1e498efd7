# Warnings for every gradref target; -Werror only when asked (CI sets it).
add_library(gradref_warnings INTERFACE)
target_compile_options(gradref_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic>
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${GRADREF_WERROR}>>:-Werror>)
