#pragma once
// The fuzzing entry points. libFuzzer targets (targets/*.cpp, built with clang in build/fuzz) and the
// regression tests (built with the normal suite) call the same functions, so every saved input replays
// exactly. Each returns a description of the first broken invariant, or nothing when all held.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/definition.hpp"

namespace dais::fuzz {

// A client frame through the server's own decoder, net::decode_request (JSON parse, the message schema for
// its `type`, and for commands core::command_from_json). Invariants: nothing throws; a schema-valid command
// decodes; a decoded command encodes back (net::encode_request) to a frame that decodes to the same command.
std::optional<std::string> decode_frame(std::string_view frame);

// A script of commands from various actors on a live engine, read from arbitrary bytes. Invariants: a
// rejected command changes nothing; replaying the events rebuilds the state byte for byte; events and the
// state round-trip through JSON; tallies recount from the ballot boxes; the log and the disk snapshot never
// hold an anonymous sheet's receipt hash; every view of every participant can be built.
std::optional<std::string> run_engine_script(std::span<const std::uint8_t> bytes);
// The hearing the engine scripts run on: every role, two slots, three kinds of ballot.
const core::HearingDefinition& fuzz_hearing();

}  // namespace dais::fuzz
