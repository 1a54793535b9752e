# eligo_aedat4_schemas(TARGET SOURCE_ROOT): the AEDAT 4 flatbuffers of SOURCE_ROOT/schemas/aedat4/,
# compiled by flatc into ${CMAKE_CURRENT_BINARY_DIR}/gen/aedat4/<schema>_generated.h by the custom
# target TARGET. Sets AEDAT4_GEN_DIR, the folder to add to a library's include path. Used by the main
# build and by the fuzz build (tests/fuzz/CMakeLists.txt), which is a project of its own.
function(eligo_aedat4_schemas target source_root)
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/gen/aedat4)
  file(GLOB schemas CONFIGURE_DEPENDS ${source_root}/schemas/aedat4/*.fbs)
  set(headers)
  foreach(schema ${schemas})
    get_filename_component(schema_name ${schema} NAME_WE)
    list(APPEND headers ${gen_dir}/${schema_name}_generated.h)
  endforeach()
  add_custom_command(OUTPUT ${headers}
    COMMAND flatbuffers::flatc --cpp -o ${gen_dir} ${schemas}
    DEPENDS ${schemas} VERBATIM)
  add_custom_target(${target} DEPENDS ${headers})
  set(AEDAT4_GEN_DIR ${gen_dir} PARENT_SCOPE)
endfunction()
