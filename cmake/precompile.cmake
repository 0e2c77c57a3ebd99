# dais_precompile(target header...): the target's heavy headers parsed once into a precompiled header, when
# DAIS_PCH is on (the dev preset).
function(dais_precompile target)
  if(DAIS_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
