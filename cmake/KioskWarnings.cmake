# One place that decides the warning set for every project target.
# is left out: with GCC 12 at -O2 it fires inside
# libstdc++'s own std::string and streambuf code, which -Werror cannot accept.
function(kiosk_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  if(KIOSK_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
