/** The picocli command line: the only place with main, stdout/stderr and exit codes. */
package dev.kvcap.cli;
