# dais_precompile(target header...): the target's heavy headers parsed once into a precompiled header, when
# DAIS_PCH is on (the dev preset).
function(dais_precompile target)
  if(DAIS_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

# dais_quick_test_build(target): test code itself compiled at -Og in the optimised presets. It is a third of the
# build and a test's own code is not what a test measures; the server's code it links keeps -O2. -Og against
# -O1: a unity batch of the core tests 17.6 -> 14.2 CPU s, of the net tests 22.5 -> 17.8, and the tests run as
# fast (the core tests' binary 0.6 -> 0.9 s, the others the same). Not -O0: it compiles no faster than -Og and
# the template code the tests instantiate (JSON, the standard containers) is then linked in unoptimised for the
# server's code as well: the net tests ran twice as long.
function(dais_quick_test_build target)
  if(CMAKE_BUILD_TYPE STREQUAL "Release" OR CMAKE_BUILD_TYPE STREQUAL "RelWithDebInfo")
    target_compile_options(${target} PRIVATE -Og)
  endif()
endfunction()

# dais_unity_first(<list var> <regex>): moves the sources with an #include line matching <regex> to the front
# of the list, so that a unity build compiles them in one batch and parses and instantiates their heavy
# headers (Asio, Beast) once per target rather than once per batch.
function(dais_unity_first var regex)
  set(first)
  foreach(source IN LISTS ${var})
    file(STRINGS ${source} match REGEX "${regex}" LIMIT_COUNT 1)
    if(match)
      list(APPEND first ${source})
    endif()
  endforeach()
  set(rest ${${var}})
  if(first)
    list(REMOVE_ITEM rest ${first})
  endif()
  set(${var} ${first} ${rest} PARENT_SCOPE)
endfunction()
