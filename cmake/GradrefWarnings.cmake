# Warnings for every gradref target; -Werror only when asked (CI sets it).
add_library(gradref_warnings INTERFACE)
target_compile_options(gradref_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic>
  $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${GRADREF_WERROR}>>:-Werror>)
# GCC 12's -Wrestrict fires on std::string concatenation inside libstdc++ itself
# (GCC bug 105329), which -Werror would turn into a build failure.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(gradref_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
endif()
