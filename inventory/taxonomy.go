package inventory

// The built-in taxonomy of docs/inventory.md. Classes follow the ENISA 2013 severity
// method (reference/enisa-severity-method.md): contact and biographical data
// is simple (basic DPC 1); location, traffic, preferences and habits are
// behavioural (2); income, transactions, accounts and cards are financial
// (3); the special categories are sensitive (4).
//
// Two choices need a word. ENISA does not treat credentials as a category of
// their own ("score them by the type of data in the systems they open"), so
// password_hash and credentials carry the Credentials flag on the floor class
// simple and the assessment raises them to the class of the system they open.
// Identity-document numbers (national_id, passport, drivers_license) are
// biographical data in ENISA's terms (simple); what makes them dangerous is
// identity fraud, which the USPersonalInfo and Identifying flags carry to the
// rules. children_data is simple with the Children flag: ENISA raises simple
// data about minors through its contextual factors, not through the class.
var builtin = []Category{
	{ID: "name", Label: "name", Class: ClassSimple, Identifying: true},
	{ID: "email", Label: "e-mail address", Class: ClassSimple, Identifying: true},
	{ID: "phone", Label: "phone number", Class: ClassSimple, Identifying: true},
	{ID: "postal_address", Label: "postal address", Class: ClassSimple, Identifying: true},
	{ID: "date_of_birth", Label: "date of birth", Class: ClassSimple},
	{ID: "gender", Label: "gender", Class: ClassSimple},
	{ID: "nickname", Label: "nickname", Class: ClassSimple},
	{ID: "avatar", Label: "profile picture", Class: ClassSimple},
	{ID: "username", Label: "username", Class: ClassSimple, Identifying: true},
	{ID: "ip_address", Label: "IP address", Class: ClassBehavioural},
	{ID: "device_id", Label: "device identifier", Class: ClassSimple},
	{ID: "location", Label: "location", Class: ClassBehavioural},
	{ID: "browsing_history", Label: "browsing and search history", Class: ClassBehavioural},
	{ID: "purchase_history", Label: "purchase history", Class: ClassBehavioural},
	{ID: "preferences", Label: "preferences and settings", Class: ClassBehavioural},
	{ID: "communications_content", Label: "content of messages and calls", Class: ClassBehavioural},
	{ID: "password_hash", Label: "password (stored scrambled)", Class: ClassSimple, USPersonalInfo: true, Credentials: true},
	{ID: "credentials", Label: "login details (username and password)", Class: ClassSimple, USPersonalInfo: true, Credentials: true},
	{ID: "national_id", Label: "national identity or social security number", Class: ClassSimple, USPersonalInfo: true, Identifying: true},
	{ID: "passport", Label: "passport number", Class: ClassSimple, USPersonalInfo: true, Identifying: true},
	{ID: "drivers_license", Label: "driver's licence number", Class: ClassSimple, USPersonalInfo: true, Identifying: true},
	{ID: "payment_card", Label: "payment card number with security code", Class: ClassFinancial, USPersonalInfo: true, Financial: true},
	{ID: "payment_card_partial", Label: "part of a payment card number", Class: ClassFinancial, Financial: true},
	{ID: "bank_account", Label: "bank account number", Class: ClassFinancial, USPersonalInfo: true, Financial: true},
	{ID: "financial_status", Label: "income and financial situation", Class: ClassFinancial, Financial: true},
	{ID: "transaction_history", Label: "payment transactions", Class: ClassFinancial, Financial: true},
	{ID: "health", Label: "health information", Class: ClassSensitive, Special: true, USPersonalInfo: true, Health: true},
	{ID: "genetic", Label: "genetic data", Class: ClassSensitive, Special: true, USPersonalInfo: true, Health: true},
	{ID: "biometric", Label: "biometric data (fingerprint, face or voice print)", Class: ClassSensitive, Special: true, USPersonalInfo: true},
	{ID: "racial_ethnic_origin", Label: "racial or ethnic origin", Class: ClassSensitive, Special: true},
	{ID: "political_opinions", Label: "political opinions", Class: ClassSensitive, Special: true},
	{ID: "religious_beliefs", Label: "religious or philosophical beliefs", Class: ClassSensitive, Special: true},
	{ID: "trade_union", Label: "trade union membership", Class: ClassSensitive, Special: true},
	{ID: "sex_life", Label: "sex life or sexual orientation", Class: ClassSensitive, Special: true},
	{ID: "criminal_records", Label: "criminal convictions and offences", Class: ClassSensitive, Special: true},
	{ID: "children_data", Label: "information about children", Class: ClassSimple, Children: true},
}

var builtinByID = func() map[string]Category {
	m := make(map[string]Category, len(builtin))
	for _, c := range builtin {
		m[c.ID] = c
	}
	return m
}()

// Builtin returns the built-in category taxonomy in the order of docs/inventory.md.
// The slice is a fresh copy; callers may modify it.
func Builtin() []Category {
	out := make([]Category, len(builtin))
	copy(out, builtin)
	return out
}

// BuiltinCategory returns the built-in category with the given id.
func BuiltinCategory(id string) (Category, bool) {
	c, ok := builtinByID[id]
	return c, ok
}

// Valid reports whether c is one of the four ENISA classes.
func (c Class) Valid() bool {
	switch c {
	case ClassSimple, ClassBehavioural, ClassFinancial, ClassSensitive:
		return true
	}
	return false
}

// Score is the ENISA basic data-processing-context score of the class:
// simple 1, behavioural 2, financial 3, sensitive 4 (0 for an unknown class).
func (c Class) Score() int {
	switch c {
	case ClassSimple:
		return 1
	case ClassBehavioural:
		return 2
	case ClassFinancial:
		return 3
	case ClassSensitive:
		return 4
	}
	return 0
}
