@echo off
rem The `burrow` command of an installed Burrow app: the CLI run by the app itself acting as Node
rem (ELECTRON_RUN_AS_NODE=1). The installer puts this folder on the PATH (build/installer.nsh).
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\Burrow.exe" "%~dp0..\app.asar.unpacked\bin\burrow.js" %*
endlocal & exit /b %ERRORLEVEL%
