# dais_precompile(target header...): the target's heavy headers parsed once into a precompiled header, when
# DAIS_PCH is on (the dev preset).
function(dais_precompile target)
  if(DAIS_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# dais_quick_test_build(target): test code itself compiled at -O1 in the optimised presets. It is a third of the
# build and a test's own code is not what a test measures; the server's code it links keeps -O2.
function(dais_quick_test_build target)
  if(CMAKE_BUILD_TYPE STREQUAL "Release" OR CMAKE_BUILD_TYPE STREQUAL "RelWithDebInfo")
    target_compile_options(${target} PRIVATE -O1)
  endif()
endfunction()
