// Typed errors thrown by library code. Library code never exits; front ends catch
// dlab::Error and show its message (CLI: one line, exit code 2; GUI: a dialog).
#pragma once

#include <stdexcept>
#include <string>

namespace dlab {

// Base of every error whose message is meant for the user: it names the file or
// parameter and the problem.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A file is malformed: truncated, wrong magic, an offset or count out of range.
class FormatError : public Error {
public:
    using Error::Error;
};

// The file is well formed but uses something DecodeLab does not implement
// (an architecture, a tensor type, a tokenizer model).
class UnsupportedError : public Error {
public:
    using Error::Error;
};

// A caller-supplied parameter is out of range (threads, prompt length, token id …).
class InvalidArgument : public Error {
public:
    using Error::Error;
};

}  // namespace dlab
