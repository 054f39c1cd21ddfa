#pragma once
// What the server has stored, in one number, so that a hostile-input test can check that
// nothing was: room log entries, rooms, idempotency records and disclosures.
#include "harness.hpp"

namespace kamer::test {

long long stored_rows(const TestDatabase& database);

}  // namespace kamer::test
