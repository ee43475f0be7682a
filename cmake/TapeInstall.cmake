# Install rules: `cmake --install <build> --prefix P` puts
#   P/include/tape/*.h                      the public strategy API
#   P/lib/cmake/tape/tapeConfig.cmake       find_package(tape) (+ tapeConfigVersion.cmake)
#   P/lib/cmake/tape/TapeStrategy.cmake     tape_add_strategy()
#   P/bin/tape                              the command line tool (when built)
# Included from the top-level CMakeLists.txt after every target is defined.
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)
include(${CMAKE_CURRENT_LIST_DIR}/TapeStrategy.cmake)

set(TAPE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/tape)
# The ABI version of the headers, read from them so the package cannot disagree.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/../include/tape/plugin.h TAPE_ABI_LINE
     REGEX "^#define TAPE_PLUGIN_ABI_VERSION ")
string(REGEX REPLACE "^#define TAPE_PLUGIN_ABI_VERSION ([0-9]+)u.*" "\\1" TAPE_PLUGIN_ABI_VERSION
       "${TAPE_ABI_LINE}")

install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/../include/tape
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")
install(TARGETS tape_strategy_api EXPORT tapeTargets)
install(EXPORT tapeTargets NAMESPACE tape:: DESTINATION ${TAPE_INSTALL_CMAKEDIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/tapeConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/tapeConfig.cmake INSTALL_DESTINATION ${TAPE_INSTALL_CMAKEDIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/tapeConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/tapeConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/tapeConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/TapeStrategy.cmake
        DESTINATION ${TAPE_INSTALL_CMAKEDIR})
if(TARGET tape)
  install(TARGETS tape RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
