package inventory

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// designIDs are the built-in category ids of docs/inventory.md, in its order.
const designIDs = `name, email, phone, postal_address, date_of_birth, gender, nickname, avatar, username, ip_address,
device_id, location, browsing_history, purchase_history, preferences, communications_content,
password_hash, credentials, national_id, passport, drivers_license, payment_card,
payment_card_partial, bank_account, financial_status, transaction_history, health, genetic,
biometric, racial_ethnic_origin, political_opinions, religious_beliefs, trade_union, sex_life,
criminal_records, children_data`

func TestBuiltinMatchesDesign(t *testing.T) {
	var want []string
	for _, f := range strings.Split(designIDs, ",") {
		want = append(want, strings.TrimSpace(f))
	}
	var got []string
	for _, c := range Builtin() {
		got = append(got, c.ID)
		if !c.Class.Valid() || c.Label == "" {
			t.Errorf("%s: class %q label %q; want a valid class and a label", c.ID, c.Class, c.Label)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("built-in ids (-documented +got):\n%s", diff)
	}
}

func TestBuiltinFlags(t *testing.T) {
	set := func(pred func(Category) bool) []string {
		var ids []string
		for _, c := range Builtin() {
			if pred(c) {
				ids = append(ids, c.ID)
			}
		}
		return ids
	}
	tests := []struct {
		name string
		pred func(Category) bool
		want []string
	}{
		{"special (GDPR Art. 9/10)", func(c Category) bool { return c.Special },
			[]string{"health", "genetic", "biometric", "racial_ethnic_origin", "political_opinions", "religious_beliefs", "trade_union", "sex_life", "criminal_records"}},
		{"sensitive class is exactly the special categories", func(c Category) bool { return c.Class == ClassSensitive },
			[]string{"health", "genetic", "biometric", "racial_ethnic_origin", "political_opinions", "religious_beliefs", "trade_union", "sex_life", "criminal_records"}},
		{"financial class", func(c Category) bool { return c.Class == ClassFinancial },
			[]string{"payment_card", "payment_card_partial", "bank_account", "financial_status", "transaction_history"}},
		{"behavioural class", func(c Category) bool { return c.Class == ClassBehavioural },
			[]string{"ip_address", "location", "browsing_history", "purchase_history", "preferences", "communications_content"}},
		{"US personal information", func(c Category) bool { return c.USPersonalInfo },
			[]string{"password_hash", "credentials", "national_id", "passport", "drivers_license", "payment_card", "bank_account", "health", "genetic", "biometric"}},
		{"identifying", func(c Category) bool { return c.Identifying },
			[]string{"name", "email", "phone", "postal_address", "username", "national_id", "passport", "drivers_license"}},
		{"credentials", func(c Category) bool { return c.Credentials }, []string{"password_hash", "credentials"}},
		{"health", func(c Category) bool { return c.Health }, []string{"health", "genetic"}},
		{"financial", func(c Category) bool { return c.Financial },
			[]string{"payment_card", "payment_card_partial", "bank_account", "financial_status", "transaction_history"}},
		{"children", func(c Category) bool { return c.Children }, []string{"children_data"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, set(tc.pred)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestClassScore(t *testing.T) {
	for c, want := range map[Class]int{ClassSimple: 1, ClassBehavioural: 2, ClassFinancial: 3, ClassSensitive: 4, "x": 0} {
		if got := c.Score(); got != want {
			t.Errorf("%q.Score() = %d, want %d", c, got, want)
		}
	}
}

func TestBuiltinIsACopy(t *testing.T) {
	b := Builtin()
	b[0].Label = "changed"
	if c, _ := BuiltinCategory(b[0].ID); c.Label == "changed" {
		t.Errorf("changing Builtin()'s result changed the taxonomy")
	}
}
