package regulators

// caProvincialForms are the report forms of Quebec's and Alberta's
// regulators, in the shape of reportForms; reportForms lists them (one
// entry each: caQCID and caABID).
var caProvincialForms = map[string][]ReportForm{
	caQCID: {{
		ID: caQCID, Jurisdiction: caQCID, Title: "Notice of a confidentiality incident to the Commission d'accès à l'information (CQLR c P-39.1 s. 3.5; Regulation respecting confidentiality incidents s. 3)", Language: "en",
		Source: "not read: the Regulation's s. 3 list is taken from practitioners' summaries of the Regulation as published; CQLR c P-39.1 ss. 3.5-3.8 read in part",
		Fields: []ReportField{
			field("enterprise", "Name of the enterprise and its Quebec enterprise number, if any", "Regulation respecting confidentiality incidents s. 3(1)", FactOrganisation, "the enterprise's name and Quebec enterprise number"),
			field("contact", "Name and contact information of the person to contact about the incident", "Regulation respecting confidentiality incidents s. 3(2)", FactContact, "a contact's name, e-mail and phone"),
			field("information", "Description of the personal information concerned, or the reasons it cannot be described", "Regulation respecting confidentiality incidents s. 3(3)", FactCategories, "the personal information concerned", "phased"),
			field("circumstances", "Brief description of the circumstances of the incident and, if known, its cause", "Regulation respecting confidentiality incidents s. 3(4)", FactNature, "the circumstances and cause", "phased"),
			field("occurred", "Date or period of the incident, or an approximation", "Regulation respecting confidentiality incidents s. 3(5)", FactOccurred, "when the incident occurred", "phased"),
			field("aware", "Date or period on which the enterprise became aware of the incident", "Regulation respecting confidentiality incidents s. 3(6)", FactDiscovered, "when the enterprise became aware"),
			field("persons", "Number of persons concerned and of those residing in Quebec, or approximations", "Regulation respecting confidentiality incidents s. 3(7)", FactSubjects, "the number of persons concerned and of Quebec residents", "phased"),
			field("serious_injury", "Elements that led to the conclusion that there is a risk of serious injury (sensitivity, possible uses, consequences)", "Regulation respecting confidentiality incidents s. 3(8)", FactConsequences, "why there is a risk of serious injury"),
			field("notice_to_persons", "Measures taken or to be taken to notify the persons concerned, and when", "Regulation respecting confidentiality incidents s. 3(9)", FactIndividuals, "how and when the persons are notified"),
			field("measures", "Measures taken or to be taken to reduce the risk of injury", "Regulation respecting confidentiality incidents s. 3(10)", FactMeasures, "the measures to reduce the risk of injury", "phased"),
			field("others_notified", "Persons or bodies in Canada or abroad notified of the incident", "Regulation respecting confidentiality incidents s. 3(11)", FactNone, "who else was notified (police, financial institutions, other regulators)"),
		},
	}},
	caABID: {{
		ID: caABID, Jurisdiction: caABID, Title: "Notice of a breach to the Information and Privacy Commissioner of Alberta (PIPA s. 34.1; PIPA Regulation s. 19)", Language: "en",
		Source: "read: PIPA s. 34.1(1); the Regulation's s. 19 list is taken from practitioners' summaries",
		Fields: []ReportField{
			field("circumstances", "Description of the circumstances of the loss or unauthorized access or disclosure", "PIPA Regulation s. 19(a)", FactNature, "the circumstances", "phased"),
			field("period", "Date or time period during which it occurred", "PIPA Regulation s. 19(b)", FactOccurred, "when it occurred", "phased"),
			field("information", "Description of the personal information involved", "PIPA Regulation s. 19(c)", FactCategories, "the personal information involved", "phased"),
			field("risk", "Assessment of the risk of harm to individuals", "PIPA Regulation s. 19(d)", FactRisk, "the assessment of the risk of harm"),
			field("subjects", "Estimated number of individuals to whom there is a real risk of significant harm", "PIPA Regulation s. 19(e)", FactSubjects, "the estimated number of individuals at risk", "phased"),
			field("risk_steps", "Steps taken to reduce the risk of harm", "PIPA Regulation s. 19(f)", FactMeasures, "the steps taken to reduce the risk of harm", "phased"),
			field("notification_steps", "Steps taken to notify individuals", "PIPA Regulation s. 19(g)", FactIndividuals, "how individuals were or will be notified", "phased"),
			field("contact", "Name and contact information of a person who can answer the Commissioner's questions", "PIPA Regulation s. 19(h)", FactContact, "a contact's name, e-mail and phone"),
		},
	}},
}
