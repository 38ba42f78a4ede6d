# make install (PREFIX, DESTDIR) and the .deb's tree: the programs, the
# systemd units and users, /etc/loginrec/loginrecd.conf, the man pages.
# The units and the settings file name the prefix given at install time
# (cmake --install --prefix), so they are written by install_files.cmake
# then, not at configure time.
include(GNUInstallDirs)
set(LR_STATE_DIR /var/lib/loginrec CACHE PATH "loginrecd's state folder (systemd's StateDirectory)")

install(TARGETS loginrecd loginrec loginrec-agent RUNTIME DESTINATION bin)
# the .evtx helper: found by loginrecd and loginrec in ../libexec/loginrec
install(TARGETS loginrec-evtx RUNTIME DESTINATION libexec/loginrec)

# man pages, gzipped as Debian wants them (-n: no name or time inside)
set(LR_MAN_GZ "")
foreach(page loginrecd.8 loginrec.1 loginrec-agent.8)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  set(gz ${CMAKE_BINARY_DIR}/man/${page}.gz)
  add_custom_command(OUTPUT ${gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
    COMMAND gzip -9n -c ${CMAKE_SOURCE_DIR}/man/${page} > ${gz}
    DEPENDS ${CMAKE_SOURCE_DIR}/man/${page} COMMENT "Compressing ${page}")
  list(APPEND LR_MAN_GZ ${gz})
  install(FILES ${gz} DESTINATION share/man/man${section})
endforeach()
add_custom_target(man_pages ALL DEPENDS ${LR_MAN_GZ})

install(FILES etc/loginrec-agent.ini.example DESTINATION share/doc/loginrec/examples)
install(CODE "set(LR_SOURCE_DIR \"${CMAKE_SOURCE_DIR}\")
set(LR_BINARY_DIR \"${CMAKE_BINARY_DIR}\")
set(LR_STATE_DIR \"${LR_STATE_DIR}\")")
install(SCRIPT cmake/install_files.cmake)
