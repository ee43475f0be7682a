# tape_add_strategy(<name> SOURCES <file>... [OUTPUT_NAME <file name stem>])
#
# Builds a tape strategy plugin: a MODULE library (lib<name>.so) compiled as C++20 against the
# public strategy API (include/tape/), every symbol hidden except the one entry point that
# TAPE_STRATEGY_PLUGIN exports, with the floating-point flags of determinism rule 4 (no
# contraction, no fast-math). Works in the tape source tree (examples/, tests/) and out of tree
# after find_package(tape), which includes this file.
include_guard(GLOBAL)

# In the source tree the API target is defined here (the installed package's tapeTargets.cmake
# defines it out of tree).
if(NOT TARGET tape::strategy_api)
  add_library(tape_strategy_api INTERFACE)
  set_target_properties(tape_strategy_api PROPERTIES EXPORT_NAME strategy_api)
  target_include_directories(tape_strategy_api INTERFACE
    $<BUILD_INTERFACE:${CMAKE_CURRENT_LIST_DIR}/../include>
    $<INSTALL_INTERFACE:include>)
  target_compile_features(tape_strategy_api INTERFACE cxx_std_20)
  add_library(tape::strategy_api ALIAS tape_strategy_api)
endif()

function(tape_add_strategy name)
  cmake_parse_arguments(PARSE_ARGV 1 TAPE_ARG "" "OUTPUT_NAME" "SOURCES")
  if(NOT TAPE_ARG_SOURCES)
    message(FATAL_ERROR "tape_add_strategy(${name}): no SOURCES given")
  endif()
  if(TAPE_ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "tape_add_strategy(${name}): unknown arguments ${TAPE_ARG_UNPARSED_ARGUMENTS}")
  endif()
  add_library(${name} MODULE ${TAPE_ARG_SOURCES})
  target_link_libraries(${name} PRIVATE tape::strategy_api)
  set_target_properties(${name} PROPERTIES
    PREFIX "lib"
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON
    CXX_EXTENSIONS OFF
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    POSITION_INDEPENDENT_CODE ON)
  if(TAPE_ARG_OUTPUT_NAME)
    set_target_properties(${name} PROPERTIES OUTPUT_NAME ${TAPE_ARG_OUTPUT_NAME})
  endif()
  target_compile_options(${name} PRIVATE -ffp-contract=off -fno-fast-math)
endfunction()
