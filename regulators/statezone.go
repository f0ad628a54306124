package regulators

import "time"

// stateZones names the time zone of each US state's, the District's and
// the territories' seat of government, where the state's attorney general
// receives notices: a day limit ends at midnight there.
var stateZones = map[string]string{
	"AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
	"CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DE": "America/New_York",
	"DC": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
	"ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago",
	"KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago", "ME": "America/New_York",
	"MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
	"MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
	"NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York", "NM": "America/Denver",
	"NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
	"OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York", "RI": "America/New_York",
	"SC": "America/New_York", "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
	"UT": "America/Denver", "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
	"WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
	"PR": "America/Puerto_Rico", "VI": "America/St_Thomas", "GU": "Pacific/Guam", "AS": "Pacific/Pago_Pago",
	"MP": "Pacific/Saipan",
}

// StateZone returns the time zone of the seat of government of a US state,
// the District of Columbia or a territory (region code such as "TX" or
// "PR"), where its day limits end; US Eastern time for an unknown code.
// Pierre (SD) and Frankfort (KY) are in Central and Eastern time; states
// split between zones take their capital's.
func StateZone(code string) *time.Location {
	name, ok := stateZones[code]
	if !ok {
		return zoneUSEastern
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return zoneUSEastern
	}
	return l
}
