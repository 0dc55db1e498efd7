# The installed package: `cmake --install build/release --prefix P`, then
# find_package(gradref CONFIG) with P on CMAKE_PREFIX_PATH gives gradref::reference,
# gradref::fast, gradref::catalog, gradref::testing (and gradref::spec beneath).
# Build-only targets (gradref_warnings, gradref_simd_targets) are linked as
# $<BUILD_INTERFACE:...> and precompiled headers are PRIVATE, so none of them
# reaches the exported interface; the libraries are static, so their link-only
# dependencies (MPFR, OpenBLAS, Highway) are found again by gradrefConfig.cmake.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GRADREF_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/gradref)
set(exported gradref_spec gradref_reference gradref_fast gradref_catalog)
set(header_dirs reference/include/ fast/include/ catalog/include/)
set(GRADREF_WITH_TESTING OFF)
if(TARGET gradref_testing)
  list(APPEND exported gradref_testing)
  list(APPEND header_dirs testing/include/)
  set(GRADREF_WITH_TESTING ON)
endif()
foreach(target IN LISTS exported)
  string(REPLACE "gradref_" "" name ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name})
endforeach()

install(TARGETS ${exported} EXPORT gradrefTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
list(TRANSFORM header_dirs PREPEND ${PROJECT_SOURCE_DIR}/)
install(DIRECTORY ${header_dirs} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT gradrefTargets NAMESPACE gradref:: DESTINATION ${GRADREF_INSTALL_CMAKEDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/gradrefConfig.cmake.in
  ${PROJECT_BINARY_DIR}/gradrefConfig.cmake INSTALL_DESTINATION ${GRADREF_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/gradrefConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/gradrefConfig.cmake ${PROJECT_BINARY_DIR}/gradrefConfigVersion.cmake
  DESTINATION ${GRADREF_INSTALL_CMAKEDIR})
