# lib.tcl: what every integration script shares.
#
# A script sources this file, starts the daemon with daemon_start, talks to
# it through real telnet and nc (spawned on a pty) or through a binary Tcl
# socket, and ends with done.  Any failed check, any timeout and any
# unexpected end of file ends the script with a FAIL line and exit status 1;
# the daemons it started are stopped on every way out.
#
# Usage: expect script.exp /path/to/charfinderd   (or CHARFINDERD=... expect script.exp)
#
# Bytes, not characters: the system encoding is ISO 8859-1, so every byte
# the daemon sends is one Tcl character and every character sent is one
# byte.  Text with non-ASCII characters goes through u8 (UTF-8 bytes) before
# it is sent or matched; the scripts themselves stay ASCII (\uXXXX escapes).

package require Expect

encoding system iso8859-1
# CF_DEBUG=1 shows what the clients see.
log_user [expr {[info exists env(CF_DEBUG)] ? 1 : 0}]
set timeout 10
remove_nulls 0
match_max 100000

set cf(test) [file rootname [file tail $argv0]]
if {[llength $argv] > 0} {
	set cf(daemon) [lindex $argv 0]
} elseif {[info exists env(CHARFINDERD)]} {
	set cf(daemon) $env(CHARFINDERD)
} else {
	puts stderr "usage: expect $argv0 /path/to/charfinderd"
	exit 2
}
set cf(daemons) {}
set cf(tmpfiles) {}

# --- diagnostics -------------------------------------------------------

# Bytes in a readable form: printable ASCII as is, the rest as \xHH.
proc show {bytes} {
	set out ""
	foreach c [split $bytes ""] {
		scan $c %c n
		if {$n >= 0x20 && $n < 0x7f && $c ne "\\"} {
			append out $c
		} else {
			append out [format {\x%02x} $n]
		}
	}
	if {[string length $out] > 600} {
		set out "[string range $out 0 299] ... [string range $out end-299 end]"
	}
	return $out
}

proc fail {msg} {
	global cf
	set where [expr {[info level] > 1 ? [info level -1] : "top"}]
	puts stderr "FAIL $cf(test): $msg"
	puts stderr "  in: [string range $where 0 200]"
	foreach d $cf(daemons) {
		set log [split [string trimright [daemon_log $d] "\n"] "\n"]
		puts stderr "  daemon log (last lines):"
		puts stderr [join [lrange $log end-30 end] "\n"]
	}
	exit 1
}

# Unless an expect call handles them itself, a timeout or an end of file is
# a failure, on every spawned process (plain expect would carry on).
expect_after {
	-i $any_spawn_id
	timeout {fail "timeout waiting for output; unread: [show [pending]]"}
	eof {fail "unexpected end of file; unread: [show [pending]]"}
}

# What the current expect has received and not matched yet.
proc pending {} {
	upvar 1 expect_out eo
	if {[info exists eo(buffer)]} {
		return $eo(buffer)
	}
	return ""
}

proc u8 {text} {
	return [encoding convertto utf-8 $text]
}

# The UTF-8 bytes of one code point, any plane (Tcl 8.6 strings hold only
# the BMP, so characters beyond it are written as code points).
proc cp8 {cp} {
	if {$cp < 0x80} {
		return [format %c $cp]
	} elseif {$cp < 0x800} {
		return [format %c%c [expr {0xC0 | $cp >> 6}] \
		    [expr {0x80 | $cp & 0x3F}]]
	} elseif {$cp < 0x10000} {
		return [format %c%c%c [expr {0xE0 | $cp >> 12}] \
		    [expr {0x80 | $cp >> 6 & 0x3F}] [expr {0x80 | $cp & 0x3F}]]
	}
	return [format %c%c%c%c [expr {0xF0 | $cp >> 18}] \
	    [expr {0x80 | $cp >> 12 & 0x3F}] [expr {0x80 | $cp >> 6 & 0x3F}] \
	    [expr {0x80 | $cp & 0x3F}]]
}

# --- the daemon --------------------------------------------------------

# Start the daemon on ports the kernel chooses (telnet and HTTP), with
# extra options; wait until it logs `listening on` (listeners times, telnet
# only).  Returns a handle; the port of the first telnet listener is in the
# global `port`.
proc daemon_start {args} {
	global cf port
	set listeners 1
	if {[lindex $args 0] eq "-listeners"} {
		set listeners [lindex $args 1]
		set args [lrange $args 2 end]
	}
	set log [file tempfile logpath /tmp/charfinderd-$cf(test)-log]
	close $log
	lappend cf(tmpfiles) $logpath
	set stty_init ""
	# stderr (and stdout) go to a file, so a chatty daemon never blocks
	# on a full pty; the pty only tells us when the daemon is gone.
	set pid [spawn -noecho sh -c {log=$1; shift; exec "$@" >"$log" 2>&1} \
	    sh $logpath $cf(daemon) --port 0 --http-port 0 {*}$args]
	set d $spawn_id
	set cf($d,pid) $pid
	set cf($d,log) $logpath
	set cf($d,running) 1
	lappend cf(daemons) $d
	for {set i 0} {$i < 600} {incr i} {
		set text [daemon_log $d]
		set ports [regexp -all -inline \
		    {listening on (?:127\.0\.0\.1|\[[0-9a-f:]+\]):([0-9]+)(?: \(socket activation\))?\n} $text]
		if {[llength $ports] >= 2 * $listeners} {
			set cf($d,ports) {}
			foreach {all p} $ports {
				lappend cf($d,ports) $p
			}
			set port [lindex $cf($d,ports) 0]
			return $d
		}
		expect -i $d -timeout 0 eof {
			set cf($d,running) 0
			fail "daemon exited at start-up: [wait -i $d]"
		} timeout {}
		after 50
	}
	fail "daemon did not log `listening on` within 30 s"
}

proc daemon_ports {d} {
	global cf
	return $cf($d,ports)
}

proc daemon_pid {d} {
	global cf
	return $cf($d,pid)
}

proc daemon_log {d} {
	global cf
	set f [open $cf($d,log) r]
	set text [read $f]
	close $f
	return $text
}

# Send a signal and wait (at most secs) for the daemon to exit; returns its
# exit status, or "signal NAME" if a signal killed it.
proc daemon_signal {d sig {secs 10}} {
	global cf
	exec kill -$sig $cf($d,pid)
	expect -i $d -timeout $secs eof {} timeout {
		fail "daemon still running $secs s after SIG$sig"
	}
	set cf($d,running) 0
	set st [wait -i $d]
	if {[lindex $st 2] != 0} {
		return "error [lindex $st 3]"
	}
	if {[llength $st] > 4 && [lindex $st 4] eq "CHILDKILLED"} {
		return "signal [lindex $st 5]"
	}
	return [lindex $st 3]
}

# Stop with SIGTERM; the exit status must be 0.
proc daemon_stop {d} {
	set st [daemon_signal $d TERM]
	if {$st ne "0"} {
		fail "daemon exit status after SIGTERM: $st (expected 0)"
	}
}

proc daemon_running {d} {
	global cf
	if {!$cf($d,running)} {
		return 0
	}
	return [expr {![catch {exec kill -0 $cf($d,pid)}]}]
}

# Run the daemon to completion (for options that exit at once); returns
# {status stdout stderr}.
proc daemon_run {args} {
	global cf
	foreach stream {out err} {
		set f [file tempfile path($stream) /tmp/charfinderd-$cf(test)-$stream]
		close $f
		lappend cf(tmpfiles) $path($stream)
	}
	set status 0
	if {[catch {exec timeout 30 $cf(daemon) {*}$args \
	    >$path(out) 2>$path(err)} msg opts]} {
		set code [dict get $opts -errorcode]
		if {[lindex $code 0] ne "CHILDSTATUS"} {
			fail "cannot run the daemon: $msg"
		}
		set status [lindex $code 2]
	}
	set r [list $status]
	foreach stream {out err} {
		set f [open $path($stream) r]
		lappend r [read $f]
		close $f
	}
	return $r
}

# Run a shell pipeline (arguments are $1 ...), return its output byte for
# byte (exec would turn CR LF into LF).
proc sh_bytes {script args} {
	set f [open |[list sh -c $script sh {*}$args] rb]
	set out [read $f]
	if {[catch {close $f} err]} {
		fail "`$script` failed: $err"
	}
	return $out
}

# On any way out: stop what is still running, remove the logs.
proc cleanup {} {
	global cf
	foreach d $cf(daemons) {
		if {$cf($d,running)} {
			catch {exec kill -TERM $cf($d,pid)}
			after 300
			catch {exec kill -KILL $cf($d,pid)}
			set cf($d,running) 0
		}
	}
	foreach f $cf(tmpfiles) {
		file delete -force $f
	}
}
exit -onexit cleanup
trap {fail "killed by SIG[trap -name]"} {SIGTERM SIGINT SIGHUP}

# The end of a script that passed: every daemon still running must stop
# with exit status 0.
proc done {} {
	global cf
	foreach d $cf(daemons) {
		if {$cf($d,running)} {
			daemon_stop $d
		}
	}
	puts "PASS $cf(test)"
	exit 0
}

# --- clients on a pty: real nc and real telnet ---------------------------

# netcat-openbsd on a raw pty: every byte sent reaches the daemon as is
# (no line editing, no signals from ^C), every byte received is shown as is.
proc nc_open {{p ""} {host 127.0.0.1}} {
	global port cf
	if {$p eq ""} {
		set p $port
	}
	set stty_init "raw -echo"
	spawn -noecho nc $host $p
	set cf(nc,$spawn_id) 1
	return $spawn_id
}

# The real telnet client, in its default line mode, on a normal pty.  It
# echoes what is typed, so telnet_type consumes that echo.
proc telnet_open {{p ""}} {
	global port
	if {$p eq ""} {
		set p $port
	}
	set stty_init "sane"
	spawn -noecho telnet 127.0.0.1 $p
	must_see $spawn_id "Escape character is '^\]'.\r\n"
	return $spawn_id
}

# A command at the telnet> prompt (escape character ^]).  telnet prints
# before it restores its terminal modes, so an escape typed at once after
# a command can be lost: wait a little.
proc telnet_command {id cmd} {
	send -i $id -- "\x1d"
	must_see $id "telnet> "
	send -i $id -- "$cmd\r"
	must_see $id "$cmd\r\n"
	after 300
}

# Type a line into telnet and take its local echo.
proc telnet_type {id text} {
	send -i $id -- "$text\r"
	must_see $id "$text\r\n"
}

# --- expecting output ----------------------------------------------------

# What id sent that no expect has matched yet (after a timeout).
proc unread {id} {
	expect -i $id -timeout 0 -re {.+} {
		return [show $expect_out(buffer)]
	} timeout {} eof {
		return "[show $expect_out(buffer)] (end of file)"
	}
	return ""
}

# The next bytes from id must be exactly str (nothing before it).
proc must_next {id str {secs 10}} {
	expect -i $id -timeout $secs -ex $str {} timeout {
		fail "timeout waiting for\n    [show $str]\n  got\n    [unread $id]"
	}
	if {$expect_out(buffer) ne $str} {
		fail "expected exactly\n    [show $str]\n  got\n    [show $expect_out(buffer)]"
	}
}

# str must arrive, anything may come before it; returns all that came.
proc must_see {id str {secs 10}} {
	expect -i $id -timeout $secs -ex $str {} timeout {
		fail "timeout waiting for\n    [show $str]\n  got\n    [unread $id]"
	}
	return $expect_out(buffer)
}

# The regular expression must match; returns the list of match and groups.
proc must_re {id re {secs 10}} {
	expect -i $id -timeout $secs -re $re {} timeout {
		fail "timeout waiting for /[show $re]/\n  got\n    [unread $id]"
	}
	set r {}
	for {set i 0} {[info exists expect_out($i,string)]} {incr i} {
		lappend r $expect_out($i,string)
	}
	return $r
}

# The connection must close with nothing more than str before.  nc does not
# exit when the daemon closes while its input is open; it does when a write
# fails, so for nc an empty line is sent every 200 ms after a short wait (on
# a live connection it would earn a prompt, which fails the check).
proc must_eof {id {str ""} {secs 10}} {
	global cf
	set got ""
	set closed 0
	for {set i 0} {$i < $secs * 5} {incr i} {
		expect -i $id -timeout 0 eof {
			append got $expect_out(buffer)
			set closed 1
		} -re {.+} {
			append got $expect_out(buffer)
		} timeout {}
		if {$closed} {
			break
		}
		if {[info exists cf(nc,$id)] && $i > 0} {
			catch {send -i $id "\n"}
		}
		after 200
	}
	if {!$closed} {
		fail "connection not closed within $secs s; got [show $got]"
	}
	if {$got ne $str} {
		fail "expected [show $str] then end of file, got [show $got]"
	}
	client_close $id
}

# Nothing at all must arrive for ms milliseconds.
proc must_quiet {id {ms 300}} {
	after $ms
	expect -i $id -timeout 0 -re {.+} {
		fail "unexpected output: [show $expect_out(buffer)]"
	} timeout {}
}

proc client_close {id} {
	global cf
	unset -nocomplain cf(nc,$id)
	catch {close -i $id}
	catch {wait -i $id}
}

# --- raw clients: a Tcl socket in binary mode ------------------------------

proc sock_open {{p ""} {host 127.0.0.1}} {
	global port sockbuf
	if {$p eq ""} {
		set p $port
	}
	set s [socket $host $p]
	fconfigure $s -translation binary -blocking 0 -buffering none
	set sockbuf($s) ""
	return $s
}

proc sock_send {s bytes} {
	fconfigure $s -blocking 1
	puts -nonewline $s $bytes
	flush $s
	fconfigure $s -blocking 0
}

# One byte per write, with a pause between them, so the daemon sees a
# sequence split across TCP segments.
proc sock_send_slowly {s bytes {ms 50}} {
	foreach c [split $bytes ""] {
		sock_send $s $c
		after $ms
	}
}

# Read what is there, waiting at most ms for something; 0 at end of file.
proc sock_fill {s ms} {
	global sockbuf sockev
	set data [read $s]
	if {$data eq "" && ![eof $s]} {
		set sockev($s) ""
		fileevent $s readable [list set sockev($s) r]
		set timer [after $ms [list set sockev($s) t]]
		vwait sockev($s)
		after cancel $timer
		fileevent $s readable {}
		if {$sockev($s) eq "t"} {
			return -1
		}
		set data [read $s]
	}
	append sockbuf($s) $data
	return [expr {![eof $s] || $data ne ""}]
}

# Wait (at most secs) until the received bytes match re; returns all of
# them up to the end of the match and keeps the rest.
proc sock_until {s re {secs 10}} {
	global sockbuf
	set deadline [expr {[clock milliseconds] + $secs * 1000}]
	while {1} {
		if {[regexp -indices -- $re $sockbuf($s) m]} {
			set end [lindex $m 1]
			set got [string range $sockbuf($s) 0 $end]
			set sockbuf($s) [string range $sockbuf($s) $end+1 end]
			return $got
		}
		set left [expr {$deadline - [clock milliseconds]}]
		if {$left <= 0} {
			fail "timeout waiting for /$re/; got [show $sockbuf($s)]"
		}
		if {[sock_fill $s $left] == 0} {
			fail "unexpected end of file waiting for /$re/; got [show $sockbuf($s)]"
		}
	}
}

# The next bytes must be exactly str.
proc sock_next {s str {secs 10}} {
	global sockbuf
	set deadline [expr {[clock milliseconds] + $secs * 1000}]
	while {[string length $sockbuf($s)] < [string length $str]} {
		set left [expr {$deadline - [clock milliseconds]}]
		if {$left <= 0 || [sock_fill $s $left] == 0} {
			break
		}
	}
	set got [string range $sockbuf($s) 0 [string length $str]-1]
	if {$got ne $str} {
		fail "expected exactly\n    [show $str]\n  got\n    [show $sockbuf($s)]"
	}
	set sockbuf($s) [string range $sockbuf($s) [string length $str] end]
}

# The daemon must close the connection, with exactly str before.
proc sock_eof {s {str ""} {secs 10}} {
	global sockbuf
	set deadline [expr {[clock milliseconds] + $secs * 1000}]
	while {1} {
		set left [expr {$deadline - [clock milliseconds]}]
		if {$left <= 0} {
			fail "connection not closed within $secs s; got [show $sockbuf($s)]"
		}
		if {[catch {sock_fill $s $left} r]} {
			break	;# a reset is a close too
		}
		if {$r == 0} {
			break
		}
	}
	if {$sockbuf($s) ne $str} {
		fail "expected [show $str] then end of file, got [show $sockbuf($s)]"
	}
	close $s
}

proc sock_quiet {s {ms 300}} {
	global sockbuf
	sock_fill $s $ms
	if {$sockbuf($s) ne ""} {
		fail "unexpected output: [show $sockbuf($s)]"
	}
}

# --- the protocol ----------------------------------------------------------

set PROMPT "?> "

# The status line's count part: No match / 1 match / N matches.
proc count_text {n} {
	if {$n == 0} {
		return "No match"
	} elseif {$n == 1} {
		return "1 match"
	}
	return "$n matches"
}

# One result line, exactly: code field of 7, TAB, character (UTF-8 bytes;
# by default the code point itself), TAB, name.
proc result_line {cp name {char ""}} {
	if {$char eq ""} {
		set char [cp8 $cp]
	}
	return [format "%-7s\t%s\t%s\r\n" [format U+%04X $cp] $char $name]
}

# A result line as the daemon sends it, as a regular expression.
set RESULT_RE {U\+(?:[0-9A-F]{4} |[0-9A-F]{5,6})\t[^\t\r\n]+\t[^\t\r\n]+\r\n}
