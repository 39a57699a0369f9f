package auth

import (
	"strings"
	"testing"
)

func TestHashAndCheck(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=2,p=1$") {
		t.Fatalf("hash %q is not in PHC argon2id form", h)
	}
	if !CheckPassword(h, "correct horse battery") {
		t.Error("the right password did not match")
	}
	if CheckPassword(h, "correct horse batterx") {
		t.Error("a wrong password matched")
	}
	h2, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestCheckRefusesMalformed(t *testing.T) {
	for _, h := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YzNhZGRmZjM0ZDVlZjU5NDM3YjZiNGQ1ZGE1YWNlYmQ",
		"$argon2id$v=18$m=65536,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YzNhZGRmZjM0ZDVlZjU5NDM3YjZiNGQ1ZGE1YWNlYmQ",
		"$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$YzNhZGRmZjM0ZDVlZjU5NDM3YjZiNGQ1ZGE1YWNlYmQ",
		"$argon2id$v=19$m=65536,t=2,p=1$!!$YzNhZGRmZjM0ZDVlZjU5NDM3YjZiNGQ1ZGE1YWNlYmQ",
	} {
		if CheckPassword(h, "anything at all") {
			t.Errorf("malformed hash %q matched", h)
		}
	}
	if _, err := parse(dummyHash); err != nil {
		t.Errorf("the dummy hash must be well-formed so BurnTime costs a real check: %v", err)
	}
}
