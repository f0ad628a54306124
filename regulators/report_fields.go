package regulators

import (
	"fmt"
	"strings"
)

// ReportFact names what breach knows that can fill a report field. The
// report package turns each fact into text; FactNone marks a field breach
// cannot know, which a draft always lists as missing.
type ReportFact string

// The facts a report field can be filled from.
const (
	FactNone         ReportFact = ""
	FactOrganisation ReportFact = "organisation"  // controller's name, website, establishment
	FactContact      ReportFact = "contact"       // DPO or other contact point
	FactNature       ReportFact = "nature"        // what happened, in words, with its effects
	FactCause        ReportFact = "cause"         // cause of the breach
	FactOccurred     ReportFact = "occurred"      // when it happened (period)
	FactDiscovered   ReportFact = "discovered"    // when the organisation became aware
	FactCategories   ReportFact = "categories"    // categories of personal data
	FactSubjects     ReportFact = "subjects"      // number (and kinds) of people concerned
	FactRecords      ReportFact = "records"       // approximate number of records
	FactConsequences ReportFact = "consequences"  // likely consequences, possible harm
	FactMeasures     ReportFact = "measures"      // measures taken or proposed
	FactAdvice       ReportFact = "advice"        // what people can do themselves
	FactRemedies     ReportFact = "remedies"      // services offered (credit monitoring...)
	FactContainment  ReportFact = "containment"   // contained? data recovered?
	FactRisk         ReportFact = "risk"          // severity and risk level, incident grading
	FactSystems      ReportFact = "systems"       // affected systems
	FactIndividuals  ReportFact = "individuals"   // notice to people: how many, channel, when
	FactPublicNotice ReportFact = "public_notice" // public (substitute) notice and its address
	FactNoticeCopy   ReportFact = "notice_copy"   // a copy of the notice sent to people
	FactDelay        ReportFact = "delay_reasons" // reasons for notifying after the deadline
	FactFollowUp     ReportFact = "follow_up"     // what will be provided later (phased)
)

// ReportField is one item a regulator's notification must contain.
type ReportField struct {
	// ID is stable across versions, e.g. "nature"; drafts and the JSON
	// renderer key fields by it.
	ID string `json:"id"`
	// Label is the item as the law or the regulator's form words it, in
	// the language of the report (Chinese for CN-PIPL, Japanese for
	// JP-APPI); LabelEn is its English rendering when Label is not English.
	Label   string `json:"label"`
	LabelEn string `json:"label_en,omitempty"`
	// Citation is the provision (or the regulator's form) that asks for it.
	Citation string `json:"citation"`
	// Fact is what breach fills the field from; FactNone means a person
	// must provide it, as Provide says.
	Fact    ReportFact `json:"fact,omitempty"`
	Provide string     `json:"provide"`
	// Phased says the law lets this item follow later when it is not yet
	// known (GDPR Art. 33(4), PIPEDA Regulations s. 2(2), ...).
	Phased bool `json:"phased,omitempty"`
	// Verified is true only where the item was checked against the text of
	// the law or of the regulator's own form.
	Verified bool `json:"verified"`
	// OnlyIfLate marks an item required only when the report is made after
	// the deadline (the reasons for the delay).
	OnlyIfLate bool `json:"only_if_late,omitempty"`
}

// ReportForm is one notification to one addressee: the regulator's report
// or a further notice with content of its own (the HHS media notice, the
// JP-APPI final report, the CERT-In report...).
type ReportForm struct {
	// ID is the jurisdiction id, with a suffix for a further form, e.g.
	// "JP-APPI/final".
	ID           string `json:"id"`
	Jurisdiction string `json:"jurisdiction"`
	Title        string `json:"title"`
	// To is the addressee; empty means the obligation's regulator.
	To string `json:"to,omitempty"`
	// Notice, when set, ties the form to the further notice of the
	// obligation whose addressee contains it: the form is drafted only when
	// that notice is due, against its deadline. Empty means the main report
	// to the regulator.
	Notice string `json:"notice,omitempty"`
	// Language is the language of the labels (BCP 47).
	Language string `json:"language"`
	// NoticeCopy says the addressee asks for a copy of the notice sent to
	// individuals.
	NoticeCopy bool `json:"notice_copy,omitempty"`
	// PerState says one form is drafted per US state with more than 500
	// affected residents (the HIPAA media notice).
	PerState bool `json:"per_state,omitempty"`
	// Source says where the list was checked, or why it was not.
	Source string        `json:"source"`
	Fields []ReportField `json:"fields"`
}

// field builds a ReportField; flags are "phased", "verified", "late".
func field(id, label, citation string, fact ReportFact, provide string, flags ...string) ReportField {
	f := ReportField{ID: id, Label: label, Citation: citation, Fact: fact, Provide: provide}
	for _, fl := range flags {
		switch fl {
		case "phased":
			f.Phased = true
		case "verified":
			f.Verified = true
		case "late":
			f.OnlyIfLate = true
		default:
			panic("regulators: unknown report field flag " + fl)
		}
	}
	return f
}

// withEn adds the English rendering to a field labelled in another language.
func withEn(f ReportField, en string) ReportField {
	f.LabelEn = en
	return f
}

// gdprForm is the Art. 33 notification of the EU or UK GDPR.
func gdprForm(id, prefix string, verified bool) ReportForm {
	v := func(flags ...string) []string {
		if verified {
			return append(flags, "verified")
		}
		return flags
	}
	art := func(s string) string { return prefix + " Art. " + s }
	src := "GDPR Art. 33 read in full (EUR-Lex text as republished by gdprhub.eu and others)"
	if !verified {
		src = "UK GDPR Art. 33 retains the text of EU GDPR Art. 33, which was read; the UK text itself and the ICO's form were not"
	}
	return ReportForm{
		ID: id, Jurisdiction: id, Title: "Personal data breach notification (" + art("33") + ")", Language: "en", Source: src,
		Fields: []ReportField{
			field("nature", "Nature of the personal data breach", art("33(3)(a)"), FactNature, "a description of what happened", v()...),
			field("subjects", "Categories and approximate number of data subjects concerned", art("33(3)(a)"), FactSubjects, "the categories and approximate number of people concerned", v("phased")...),
			field("data_categories", "Categories of personal data records concerned", art("33(3)(a)"), FactCategories, "the categories of personal data concerned", v("phased")...),
			field("records", "Approximate number of personal data records concerned", art("33(3)(a)"), FactRecords, "the approximate number of records concerned", v("phased")...),
			field("contact", "Name and contact details of the data protection officer or other contact point", art("33(3)(b)"), FactContact, "the DPO's (or another contact point's) name, e-mail and phone", v()...),
			field("consequences", "Likely consequences of the breach", art("33(3)(c)"), FactConsequences, "the likely consequences for the people concerned", v("phased")...),
			field("measures", "Measures taken or proposed to address the breach and mitigate its possible adverse effects", art("33(3)(d)"), FactMeasures, "the measures taken or proposed, including mitigation", v("phased")...),
			field("delay_reasons", "Reasons for the delay (notified after 72 hours)", art("33(1)"), FactDelay, "why the notification could not be made within 72 hours of awareness", v("late")...),
			field("follow_up", "Information to be provided in phases", art("33(4)"), FactFollowUp, "what will follow and when", v()...),
		},
	}
}

// reportForms holds the forms of every encoded jurisdiction.
var reportForms = map[string][]ReportForm{
	euGDPRID:  {gdprForm(euGDPRID, "GDPR", true)},
	"UK-GDPR": {gdprForm("UK-GDPR", "UK GDPR", false)},
	cnPIPLID: {
		{
			ID: cnPIPLID, Jurisdiction: cnPIPLID, Title: "个人信息安全事件报告（《个人信息保护法》第五十七条）", Language: "zh-CN",
			Source: "PIPL Art. 57 items read (English translation of the statute); CAC Measures Art. 7 items not read",
			Fields: []ReportField{
				withEn(field("info_types", "发生或者可能发生泄露、篡改、丢失的个人信息种类", "PIPL Art. 57(1)", FactCategories, "the categories of personal information leaked, tampered with or lost", "verified"), "Categories of personal information leaked, tampered with or lost (or that may be)"),
				withEn(field("cause", "原因", "PIPL Art. 57(1)", FactCause, "the cause of the incident", "verified"), "Cause"),
				withEn(field("harm", "可能造成的危害", "PIPL Art. 57(1)", FactConsequences, "the harm that may result", "verified"), "Harm that may result"),
				withEn(field("remedial_measures", "个人信息处理者采取的补救措施", "PIPL Art. 57(2)", FactMeasures, "the remedial measures taken", "verified"), "Remedial measures taken by the processor"),
				withEn(field("individual_measures", "个人可以采取的减轻危害的措施", "PIPL Art. 57(2)", FactAdvice, "what individuals can do to mitigate the harm", "verified"), "Measures individuals can take to mitigate harm"),
				withEn(field("contact", "个人信息处理者的联系方式", "PIPL Art. 57(3)", FactContact, "the processor's contact information", "verified"), "Contact information of the processor"),
				withEn(field("unit_system", "事件发生单位名称及发生事件的设施、系统、平台的基本情况", "CAC Measures Art. 7", FactSystems, "the unit and the affected facility, system or platform"), "Unit and affected facility, system or platform"),
				withEn(field("discovered", "事件发现时间", "CAC Measures Art. 7", FactDiscovered, "when the incident was discovered"), "Time of discovery"),
				withEn(field("type_level", "事件类型、等级", "CAC Measures Art. 7", FactRisk, "the incident type and grade"), "Incident type and level"),
				withEn(field("subjects", "涉及的个人数量", "CAC Measures Annex (grading guide)", FactSubjects, "how many people's personal information is affected", "phased"), "Number of people affected"),
				withEn(field("follow_up", "尚未掌握的情况，待查明后续报", "CAC Measures Art. 7", FactFollowUp, "what will be reported later", "phased"), "Items not yet known, to follow"),
			},
		},
		{
			ID: cnPIPLID + "/summary", Jurisdiction: cnPIPLID, Title: "事件总结报告（《网络安全事件报告管理办法》第八条）", Notice: "closing summary", Language: "zh-CN",
			Source: "not read: items follow the rule's summary of CAC Measures Art. 8",
			Fields: []ReportField{
				withEn(field("cause", "事件原因", "CAC Measures Art. 8", FactCause, "the established cause"), "Cause"),
				withEn(field("response", "应急处置情况", "CAC Measures Art. 8", FactMeasures, "how the incident was handled"), "Emergency response"),
				withEn(field("harm", "危害", "CAC Measures Art. 8", FactConsequences, "the harm caused"), "Harm"),
				withEn(field("accountability", "责任处理", "CAC Measures Art. 8", FactNone, "how responsibility was dealt with"), "Accountability"),
				withEn(field("remediation", "整改情况", "CAC Measures Art. 8", FactNone, "the remediation carried out"), "Remediation"),
				withEn(field("lessons", "经验教训", "CAC Measures Art. 8", FactNone, "the lessons learned"), "Lessons learned"),
			},
		},
	},
	usHIPAAID: {
		{
			ID: usHIPAAID, Jurisdiction: usHIPAAID, Title: "Notice to the Secretary of HHS of a breach of unsecured PHI (45 CFR § 164.408)", Language: "en",
			Source: "not read: § 164.408 defers to the HHS breach portal; items follow the portal's form as commonly described",
			Fields: []ReportField{
				field("covered_entity", "Covered entity: name and address", "45 CFR § 164.408(a); HHS breach portal", FactOrganisation, "the covered entity's name and address"),
				field("contact", "Contact person: name, e-mail, phone", "HHS breach portal", FactContact, "a contact person's name, e-mail and phone"),
				field("business_associate", "Business associate involved (name and contact), if any", "HHS breach portal", FactNone, "whether a business associate was involved, and who"),
				field("breach_dates", "Breach start and end dates", "HHS breach portal", FactOccurred, "the dates the breach began and ended"),
				field("discovered", "Date of discovery", "45 CFR § 164.404(a)(2); HHS breach portal", FactDiscovered, "the date of discovery"),
				field("subjects", "Approximate number of individuals affected", "45 CFR § 164.408(b); HHS breach portal", FactSubjects, "the number of individuals affected"),
				field("type", "Type of breach (hacking/IT incident, theft, loss, unauthorised access or disclosure...)", "HHS breach portal", FactCause, "the type of breach"),
				field("location", "Location of the breached information", "HHS breach portal", FactSystems, "where the information was (EHR, e-mail, laptop, paper...)"),
				field("phi_types", "Types of protected health information involved", "HHS breach portal", FactCategories, "the types of PHI involved"),
				field("description", "Brief description of the breach", "HHS breach portal", FactNature, "a brief description"),
				field("safeguards", "Safeguards in place before the breach", "HHS breach portal", FactNone, "the safeguards in place before the breach (encryption, firewalls, training...)"),
				field("individual_notice", "Individual notice: dates provided; substitute and media notice", "45 CFR § 164.404; § 164.406; HHS breach portal", FactIndividuals, "when individual notice was given, and any substitute or media notice"),
				field("actions", "Actions taken in response to the breach", "HHS breach portal", FactMeasures, "the actions taken in response"),
			},
		},
		{
			ID: usHIPAAID + "/media", Jurisdiction: usHIPAAID, Title: "Notice to prominent media outlets serving the State (45 CFR § 164.406)", To: "prominent media outlets serving the State", Notice: "media outlets", Language: "en", NoticeCopy: true, PerState: true,
			Source: "read: § 164.404(c)(1)(A)-(E) (regulation text) and HHS's statement that the media notice carries the same content; the 500-resident threshold of § 164.406(a) not read",
			Fields: []ReportField{
				field("subjects", "Number of residents of the State affected (more than 500)", "45 CFR § 164.406(a)", FactSubjects, "the number of affected residents of the State"),
				field("what_happened", "What happened, with the date of the breach and the date of discovery", "45 CFR § 164.404(c)(1)(A)", FactNature, "a brief description of what happened", "verified"),
				field("breach_dates", "Date of the breach and date of discovery", "45 CFR § 164.404(c)(1)(A)", FactOccurred, "the date of the breach, if known", "verified"),
				field("phi_types", "Types of unsecured protected health information involved", "45 CFR § 164.404(c)(1)(B)", FactCategories, "the types of PHI involved", "verified"),
				field("steps", "Steps individuals should take to protect themselves", "45 CFR § 164.404(c)(1)(C)", FactAdvice, "what individuals should do", "verified"),
				field("actions", "What the covered entity is doing to investigate, mitigate harm and protect against further breaches", "45 CFR § 164.404(c)(1)(D)", FactMeasures, "what the covered entity is doing", "verified"),
				field("contact", "Contact procedures: toll-free number, e-mail, web site or postal address", "45 CFR § 164.404(c)(1)(E)", FactContact, "a toll-free number and an e-mail, web or postal address", "verified"),
				field("notice_copy", "Text of the notice", "45 CFR § 164.406(c)", FactNoticeCopy, "the notice text"),
			},
		},
	},
	"US-CA": {{
		ID: "US-CA", Jurisdiction: "US-CA", Title: "Data security breach submission to the California Attorney General (Cal. Civ. Code § 1798.82(f))", Language: "en", NoticeCopy: true,
		Source: "read: § 1798.82(f) as quoted by the Attorney General and the Attorney General's submission form (oag.ca.gov)",
		Fields: []ReportField{
			field("notice_copy", "A single sample copy of the notice, excluding any personally identifiable information", "Cal. Civ. Code § 1798.82(f)", FactNoticeCopy, "a sample copy of the notice (PDF)", "verified"),
			field("breach_dates", "Date(s) of breach (if known)", "California AG submission form", FactOccurred, "the date or period of the breach, if known", "verified"),
			field("discovered", "Date(s) of discovery of breach", "California AG submission form", FactDiscovered, "the date the breach was discovered", "verified"),
			field("notice_dates", "Date(s) individual notice provided to consumers", "California AG submission form", FactIndividuals, "when consumers were notified", "verified"),
			field("pi_types", "Type of personal information involved in the breach", "California AG submission form", FactCategories, "the types of personal information involved", "verified"),
			field("organisation", "Organisation name and contact", "California AG submission form", FactOrganisation, "the organisation's name"),
		},
	}},
	"US-NY": {{
		ID: "US-NY", Jurisdiction: "US-NY", Title: "Notice to the New York Attorney General, Department of State and Division of State Police (N.Y. Gen. Bus. Law § 899-aa(8)(a))",
		To: "New York Attorney General, Department of State and Division of State Police", Language: "en", NoticeCopy: true,
		Source: "not read: items follow the rule's summary of § 899-aa(8)(a)",
		Fields: []ReportField{
			field("organisation", "Business that experienced the breach", "N.Y. Gen. Bus. Law § 899-aa(8)(a)", FactOrganisation, "the business's name and address"),
			field("timing", "Timing of the notices to affected persons", "N.Y. Gen. Bus. Law § 899-aa(8)(a)", FactIndividuals, "when the notices were or will be sent"),
			field("content", "Content of the notices (copy of the template notice)", "N.Y. Gen. Bus. Law § 899-aa(8)(a)", FactNoticeCopy, "the template notice sent to affected persons"),
			field("distribution", "Distribution of the notices (how they were sent)", "N.Y. Gen. Bus. Law § 899-aa(8)(a)", FactIndividuals, "how the notices were distributed"),
			field("subjects", "Approximate number of affected persons", "N.Y. Gen. Bus. Law § 899-aa(8)(a)", FactSubjects, "the approximate number of affected persons"),
			field("contact", "Contact for the business", "New York AG breach reporting form", FactContact, "a contact name, e-mail and phone"),
		},
	}},
	"US-TX": {{
		ID: "US-TX", Jurisdiction: "US-TX", Title: "Notice to the Texas Attorney General (Tex. Bus. & Com. Code § 521.053(i))", Language: "en",
		Source: "read: § 521.053(i) as amended by SB 768 (88th Legislature), enrolled bill text",
		Fields: []ReportField{
			field("nature", "Detailed description of the nature and circumstances of the breach", "Tex. Bus. & Com. Code § 521.053(i)(1)", FactNature, "a detailed description", "verified"),
			field("subjects", "Number of Texas residents affected at the time of notification", "Tex. Bus. & Com. Code § 521.053(i)(2)", FactSubjects, "the number of affected Texas residents", "verified"),
			field("told_directly", "Number of affected residents sent a disclosure by mail or other direct method", "Tex. Bus. & Com. Code § 521.053(i)(3)", FactIndividuals, "how many residents were told directly", "verified"),
			field("measures", "Measures taken regarding the breach", "Tex. Bus. & Com. Code § 521.053(i)(4)", FactMeasures, "the measures taken", "verified"),
			field("planned_measures", "Measures intended to be taken after the notification", "Tex. Bus. & Com. Code § 521.053(i)(5)", FactNone, "the measures you intend to take after this notification", "verified"),
			field("law_enforcement", "Whether law enforcement is engaged in investigating the breach", "Tex. Bus. & Com. Code § 521.053(i)(6)", FactNone, "whether law enforcement is investigating (yes/no, agency)", "verified"),
		},
	}},
	"US-FL": {{
		ID: "US-FL", Jurisdiction: "US-FL", Title: "Notice to the Florida Department of Legal Affairs (Fla. Stat. § 501.171(3))", Language: "en", NoticeCopy: true,
		Source: "not read: items follow Fla. Stat. § 501.171(3)(b) as commonly summarised",
		Fields: []ReportField{
			field("synopsis", "Synopsis of the events surrounding the breach", "Fla. Stat. § 501.171(3)(b)1", FactNature, "a synopsis of the events"),
			field("subjects", "Number of individuals in Florida who were or potentially have been affected", "Fla. Stat. § 501.171(3)(b)2", FactSubjects, "the number of affected Florida individuals"),
			field("services", "Services related to the breach offered to individuals, with instructions to use them", "Fla. Stat. § 501.171(3)(b)3", FactRemedies, "the services offered (e.g. credit monitoring) and how to use them, or 'none'"),
			field("notice_copy", "Copy of the notice to individuals, or an explanation of the other actions taken", "Fla. Stat. § 501.171(3)(b)4", FactNoticeCopy, "a copy of the notice"),
			field("contact", "Name, address, phone and e-mail of the employee or agent from whom more information may be obtained", "Fla. Stat. § 501.171(3)(b)5", FactContact, "a contact's name, address, phone and e-mail"),
			field("police_report", "On request: police report, incident report or computer forensics report", "Fla. Stat. § 501.171(3)(c)", FactNone, "whether a police, incident or forensic report exists (to provide on request)", "phased"),
		},
	}},
	"US-WA": {{
		ID: "US-WA", Jurisdiction: "US-WA", Title: "Notice to the Washington Attorney General (RCW 19.255.010(7))", Language: "en", NoticeCopy: true,
		Source: "not read: the Attorney General's page confirms the 500-resident threshold and 30 days; items follow RCW 19.255.010(7)(a) as summarised",
		Fields: []ReportField{
			field("subjects", "Number of Washington consumers affected, or an estimate", "RCW 19.255.010(7)(a)(i)", FactSubjects, "the number (or an estimate) of affected Washington consumers"),
			field("pi_types", "Types of personal information involved", "RCW 19.255.010(7)(a)(ii)", FactCategories, "the types of personal information"),
			field("exposure", "Time frame of exposure, with the date of the breach and the date of its discovery", "RCW 19.255.010(7)(a)(iii)", FactOccurred, "the period of exposure and the date of the breach"),
			field("discovered", "Date of discovery", "RCW 19.255.010(7)(a)(iii)", FactDiscovered, "the date of discovery"),
			field("containment", "Summary of steps taken to contain the breach", "RCW 19.255.010(7)(a)(iv)", FactContainment, "the steps taken to contain the breach"),
			field("notice_copy", "Single sample copy of the notification, excluding personally identifiable information", "RCW 19.255.010(7)(a)(v)", FactNoticeCopy, "a sample copy of the notice"),
		},
	}},
	"US-MA": {{
		ID: "US-MA", Jurisdiction: "US-MA", Title: "Notice to the Massachusetts Attorney General and the Director of Consumer Affairs and Business Regulation (Mass. Gen. Laws ch. 93H, § 3(b))",
		To: "Massachusetts Attorney General and Office of Consumer Affairs and Business Regulation (OCABR)", Language: "en",
		Source: "read: mass.gov summary of § 3(b) (nature, number, steps); the other items follow the statute as commonly quoted, not read",
		Fields: []ReportField{
			field("nature", "Nature of the breach of security or unauthorised acquisition or use", "Mass. Gen. Laws ch. 93H, § 3(b)", FactNature, "the nature of the breach", "verified"),
			field("subjects", "Number of Massachusetts residents affected at the time of notification", "Mass. Gen. Laws ch. 93H, § 3(b)", FactSubjects, "the number of affected residents", "verified"),
			field("organisation", "Name and address of the person or agency that experienced the breach", "Mass. Gen. Laws ch. 93H, § 3(b)", FactOrganisation, "the name and address"),
			field("reporter", "Name and title of the person reporting, their relationship to the organisation, and the type of organisation", "Mass. Gen. Laws ch. 93H, § 3(b)", FactNone, "who is reporting (name, title, relationship) and the type of organisation"),
			field("responsible", "Person responsible for the breach, if known", "Mass. Gen. Laws ch. 93H, § 3(b)", FactNone, "who caused the breach, if known, or 'unknown'"),
			field("pi_types", "Type of personal information compromised (SSN, driver's licence, account or card number, other)", "Mass. Gen. Laws ch. 93H, § 3(b)", FactCategories, "the types of personal information"),
			field("wisp", "Whether the organisation maintains a written information security program (201 CMR 17.03)", "Mass. Gen. Laws ch. 93H, § 3(b)", FactNone, "whether a written information security program is maintained (yes/no)"),
			field("steps", "Steps taken or planned relating to the incident, including updating the written information security program", "Mass. Gen. Laws ch. 93H, § 3(b)", FactMeasures, "the steps taken or planned", "verified"),
			field("credit_monitoring", "Certification that credit monitoring services comply with § 3A", "Mass. Gen. Laws ch. 93H, § 3(b)", FactRemedies, "the credit monitoring offered and the § 3A certification"),
		},
	}},
	"US-IL": {{
		ID: "US-IL", Jurisdiction: "US-IL", Title: "Notice to the Illinois Attorney General (815 ILCS 530/10(e))", Language: "en",
		Source: "read: the three items of 815 ILCS 530/10(e)(1) as quoted from the amending act; the date of the breach follows a practitioners' chart, not read",
		Fields: []ReportField{
			field("nature", "Description of the nature of the breach of security or unauthorised acquisition or use", "815 ILCS 530/10(e)(1)(A)", FactNature, "a description of the breach", "verified"),
			field("subjects", "Number of Illinois residents affected at the time of notification", "815 ILCS 530/10(e)(1)(B)", FactSubjects, "the number of affected Illinois residents", "verified"),
			field("steps", "Steps taken or planned relating to the incident", "815 ILCS 530/10(e)(1)(C)", FactMeasures, "the steps taken or planned", "verified"),
			field("breach_date", "Date of the breach (send as soon as known)", "815 ILCS 530/10(e)(1)", FactOccurred, "the date of the breach", "phased"),
		},
	}},
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
	caPIPEDAID: {{
		ID: caPIPEDAID, Jurisdiction: caPIPEDAID, Title: "Report of a breach of security safeguards to the Privacy Commissioner of Canada (SOR/2018-64 s. 2)", Language: "en",
		Source: "read: SOR/2018-64 s. 2(1)(a)-(c) and s. 2(2) (Canada Gazette and a practitioners' quotation); (d)-(g) not read",
		Fields: []ReportField{
			field("circumstances", "Description of the circumstances of the breach and, if known, the cause", "SOR/2018-64 s. 2(1)(a)", FactNature, "the circumstances and cause", "phased", "verified"),
			field("period", "Day on which, or period during which, the breach occurred (or the approximate period)", "SOR/2018-64 s. 2(1)(b)", FactOccurred, "when the breach occurred, or the approximate period", "phased", "verified"),
			field("pi_description", "Description of the personal information that is the subject of the breach", "SOR/2018-64 s. 2(1)(c)", FactCategories, "the personal information involved", "phased", "verified"),
			field("subjects", "Estimated number of individuals for whom the breach creates a real risk of significant harm", "SOR/2018-64 s. 2(1)(d)", FactSubjects, "the estimated number of individuals at risk", "phased"),
			field("risk_steps", "Steps taken to reduce the risk of harm or mitigate any harm", "SOR/2018-64 s. 2(1)(e)", FactMeasures, "the steps taken to reduce or mitigate harm", "phased"),
			field("notification_steps", "Steps taken or intended to notify affected individuals", "SOR/2018-64 s. 2(1)(f)", FactIndividuals, "how individuals were or will be notified", "phased"),
			field("contact", "Name and contact information of a person who can answer the Commissioner's questions", "SOR/2018-64 s. 2(1)(g)", FactContact, "a contact's name, e-mail and phone"),
			field("follow_up", "New information to be submitted after the report", "SOR/2018-64 s. 2(2)", FactFollowUp, "what will follow", "verified"),
		},
	}},
	auNDBID: {{
		ID: auNDBID, Jurisdiction: auNDBID, Title: "Statement about an eligible data breach to the Australian Information Commissioner (Privacy Act 1988 s. 26WK)", Language: "en",
		Source: "read: Privacy Act 1988 s. 26WK(2)-(4) and the OAIC's guidance on the statement",
		Fields: []ReportField{
			field("entity", "Identity and contact details of the entity", "Privacy Act 1988 s. 26WK(3)(a)", FactContact, "the entity's name and contact details", "verified"),
			field("description", "Description of the eligible data breach", "Privacy Act 1988 s. 26WK(3)(b)", FactNature, "a description of the breach", "verified"),
			field("info_kinds", "Kind or kinds of information concerned", "Privacy Act 1988 s. 26WK(3)(c)", FactCategories, "the kinds of information concerned", "verified"),
			field("recommendations", "Recommendations about the steps individuals should take in response", "Privacy Act 1988 s. 26WK(3)(d)", FactAdvice, "the steps you recommend individuals take", "verified"),
		},
	}},
	sgPDPAID: {{
		ID: sgPDPAID, Jurisdiction: sgPDPAID, Title: "Notification of a data breach to the Personal Data Protection Commission (PDPA 2012 s. 26D; Notification of Data Breaches Regulations 2021 reg. 5)", Language: "en",
		Source: "partly read: reg. 5(1) requires 'all of the following information' for s. 26D(3), but its list was not in the text found; items follow the PDPC's guide as commonly summarised",
		Fields: []ReportField{
			field("facts", "Facts of the breach: date and circumstances, how and when it was discovered", "PDP (NDB) Regulations 2021 reg. 5(1)(a)", FactNature, "the facts of the breach"),
			field("discovered", "Date the organisation discovered the breach", "PDP (NDB) Regulations 2021 reg. 5(1)(a)", FactDiscovered, "when the breach was discovered"),
			field("subjects", "Number of affected individuals", "PDP (NDB) Regulations 2021 reg. 5(1)(b)", FactSubjects, "the number of affected individuals", "phased"),
			field("personal_data", "Personal data or classes of personal data affected", "PDP (NDB) Regulations 2021 reg. 5(1)(c)", FactCategories, "the personal data affected", "phased"),
			field("harm", "Potential harm to the affected individuals", "PDP (NDB) Regulations 2021 reg. 5(1)(d)", FactConsequences, "the potential harm", "phased"),
			field("actions", "Action taken to eliminate or mitigate harm", "PDP (NDB) Regulations 2021 reg. 5(1)(e)", FactMeasures, "the actions taken", "phased"),
			field("individuals_plan", "Plan to notify affected individuals, or why they will not be notified", "PDP (NDB) Regulations 2021 reg. 5(1)(f)", FactIndividuals, "how and when individuals will be notified"),
			field("contact", "Contact details of an authorised representative", "PDP (NDB) Regulations 2021 reg. 5(1)(g)", FactContact, "a representative's name, e-mail and phone"),
			field("delay_reasons", "Reasons for notifying later than 3 calendar days", "PDPA 2012 s. 26D(1); PDP (NDB) Regulations 2021 reg. 5(2)", FactDelay, "why the Commission was not notified within 3 days", "late"),
		},
	}},
	brLGPDID: {{
		ID: brLGPDID, Jurisdiction: brLGPDID, Title: "Comunicação de incidente de segurança à ANPD (LGPD Art. 48; Resolução CD/ANPD nº 15/2024 Art. 6)", Language: "en",
		Source: "not read: the texts found summarise Art. 6 without its list; items follow Resolução CD/ANPD nº 15/2024 Art. 6 as commonly quoted",
		Fields: []ReportField{
			field("nature_categories", "Nature and category of the personal data affected", "Resolução CD/ANPD nº 15/2024 Art. 6 I", FactCategories, "the nature and categories of data", "phased"),
			field("subjects", "Number of data subjects affected, with children, adolescents and elderly people", "Resolução CD/ANPD nº 15/2024 Art. 6 II", FactSubjects, "the number of data subjects, with minors and elderly", "phased"),
			field("security_measures", "Technical and security measures used to protect the data", "Resolução CD/ANPD nº 15/2024 Art. 6 III", FactNone, "the protection in place (encryption, access control...)"),
			field("risks", "Risks related to the incident, with the possible impact on data subjects", "Resolução CD/ANPD nº 15/2024 Art. 6 IV", FactConsequences, "the risks and possible impact", "phased"),
			field("delay_reasons", "Reasons for the delay, when the communication was not timely", "Resolução CD/ANPD nº 15/2024 Art. 6 V", FactDelay, "why the communication was late", "late"),
			field("measures", "Measures adopted or to be adopted to reverse or mitigate the effects", "Resolução CD/ANPD nº 15/2024 Art. 6 VI", FactMeasures, "the measures adopted or planned", "phased"),
			field("dates", "Date of the incident (when possible) and of the controller's knowledge", "Resolução CD/ANPD nº 15/2024 Art. 6 VII", FactOccurred, "when the incident happened and became known"),
			field("dpo", "Details of the data protection officer (encarregado) or the controller's representative", "Resolução CD/ANPD nº 15/2024 Art. 6 VIII", FactContact, "the encarregado's name and contact"),
			field("controller", "Identification of the controller (and small-scale agent declaration, if any)", "Resolução CD/ANPD nº 15/2024 Art. 6 IX", FactOrganisation, "the controller's identification"),
			field("processor", "Identification of the processor, where applicable", "Resolução CD/ANPD nº 15/2024 Art. 6 X", FactNone, "the processor's identification, or 'none'"),
			field("description", "Description of the incident, including its main cause where identified", "Resolução CD/ANPD nº 15/2024 Art. 6 XI", FactNature, "a description of the incident and its cause"),
			field("total_subjects", "Total number of data subjects whose data is processed in the affected activities", "Resolução CD/ANPD nº 15/2024 Art. 6 XII", FactNone, "the total number of data subjects in the affected processing"),
			field("follow_up", "Complementary information within 20 business days", "Resolução CD/ANPD nº 15/2024 Art. 6 §3", FactFollowUp, "what will follow", "phased"),
		},
	}},
	jpAPPIID: {jpForm("", "速報 preliminary report (APPI Art. 26(1); PPC Enforcement Rules Art. 8(1))", true), jpForm("final report", "確報 final report (PPC Enforcement Rules Art. 8(2))", false)},
	inDPDPID: {
		{
			ID: inDPDPID, Jurisdiction: inDPDPID, Title: "Intimation of a personal data breach to the Data Protection Board of India (DPDP Rules 2025 r. 7(2))", Language: "en",
			Source: "read: DPDP Rules 2025 r. 7(2)(a) and (b)",
			Fields: []ReportField{
				field("description", "Description of the breach: nature, extent, timing and location of occurrence", "DPDP Rules 2025 r. 7(2)(a)", FactNature, "a description of the breach", "verified"),
				field("timing", "Timing of occurrence", "DPDP Rules 2025 r. 7(2)(a)", FactOccurred, "when the breach occurred", "verified"),
				field("impact", "Likely impact", "DPDP Rules 2025 r. 7(2)(a)", FactConsequences, "the likely impact", "verified"),
				field("events", "Broad facts of the events, circumstances and reasons leading to the breach", "DPDP Rules 2025 r. 7(2)(b)(ii)", FactCause, "the events and reasons", "phased", "verified"),
				field("measures", "Measures implemented or proposed to mitigate risk", "DPDP Rules 2025 r. 7(2)(b)(iii)", FactMeasures, "the mitigation measures", "phased", "verified"),
				field("culprit", "Findings regarding the person who caused the breach", "DPDP Rules 2025 r. 7(2)(b)(iv)", FactNone, "what is known of who caused the breach", "phased", "verified"),
				field("recurrence", "Remedial measures taken to prevent recurrence", "DPDP Rules 2025 r. 7(2)(b)(v)", FactNone, "the measures taken to prevent recurrence", "phased", "verified"),
				field("intimations", "Report on the intimations given to affected Data Principals", "DPDP Rules 2025 r. 7(2)(b)(vi)", FactIndividuals, "how and when Data Principals were told", "phased", "verified"),
				field("follow_up", "Updated and detailed information within 72 hours", "DPDP Rules 2025 r. 7(2)(b)(i)", FactFollowUp, "what will follow within 72 hours", "verified"),
			},
		},
		{
			ID: inDPDPID + "/cert-in", Jurisdiction: inDPDPID, Title: "Cyber incident report to CERT-In (CERT-In Directions of 28 April 2022)", To: "CERT-In (Indian Computer Emergency Response Team)", Notice: "CERT-In", Language: "en",
			Source: "not read: items follow CERT-In's incident reporting form as commonly described",
			Fields: []ReportField{
				field("organisation", "Organisation reporting", "CERT-In incident reporting form", FactOrganisation, "the organisation's name"),
				field("contact", "Point of contact (name, e-mail, phone)", "CERT-In Directions 2022 para. (ii); incident reporting form", FactContact, "the point of contact"),
				field("occurred", "Time of occurrence", "CERT-In incident reporting form", FactOccurred, "when the incident occurred"),
				field("noticed", "Time of noticing the incident", "CERT-In Directions 2022 para. (ii)", FactDiscovered, "when the incident was noticed"),
				field("type", "Type of incident (data breach, data leak...)", "CERT-In Directions 2022 Annexure I", FactCause, "the incident type"),
				field("systems", "Affected systems", "CERT-In incident reporting form", FactSystems, "the affected systems"),
				field("description", "Description of the incident", "CERT-In incident reporting form", FactNature, "a description"),
				field("actions", "Actions taken", "CERT-In incident reporting form", FactMeasures, "the actions taken"),
			},
		},
	},
}

// jpForm is the PPC report: the same nine items in the preliminary report
// (as far as known) and the final report.
func jpForm(notice, title string, preliminary bool) ReportForm {
	ph := []string{"verified"}
	if preliminary {
		ph = append(ph, "phased")
	}
	id := jpAPPIID
	if notice != "" {
		id += "/final"
	}
	cite := "PPC Enforcement Rules Art. 8(1)"
	return ReportForm{
		ID: id, Jurisdiction: jpAPPIID, Title: "個人情報保護委員会への漏えい等報告 — " + title, Notice: notice, Language: "ja",
		Source: "read: 個人情報の保護に関する法律施行規則 第八条 (items 1-9, time limits of para. 2)",
		Fields: []ReportField{
			withEn(field("overview", "概要", cite+"(i)", FactNature, "an overview", ph...), "Overview"),
			withEn(field("data_items", "漏えい等が発生し、又は発生したおそれがある個人データの項目", cite+"(ii)", FactCategories, "the items of personal data", ph...), "Items of personal data leaked (or that may be)"),
			withEn(field("subjects", "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数", cite+"(iii)", FactSubjects, "the number of persons", ph...), "Number of persons concerned"),
			withEn(field("cause", "原因", cite+"(iv)", FactCause, "the cause", ph...), "Cause"),
			withEn(field("secondary_damage", "二次被害又はそのおそれの有無及びその内容", cite+"(v)", FactConsequences, "whether there is (a risk of) secondary damage, and what", ph...), "Secondary damage or its risk, and its content"),
			withEn(field("individuals", "本人への対応の実施状況", cite+"(vi)", FactIndividuals, "what has been done for the persons concerned", ph...), "Response to the persons concerned"),
			withEn(field("publication", "公表の実施状況", cite+"(vii)", FactPublicNotice, "whether and where it was made public", ph...), "Public announcement"),
			withEn(field("prevention", "再発防止のための措置", cite+"(viii)", FactMeasures, "the measures to prevent recurrence", ph...), "Measures to prevent recurrence"),
			withEn(field("other", "その他参考となる事項", cite+"(ix)", FactRisk, "anything else of use", ph...), "Other useful information"),
		},
	}
}

// genericForm is the report for a jurisdiction without a list of its own:
// the items most laws ask for, none of them verified.
func genericForm(id string) ReportForm {
	return ReportForm{
		ID: id, Jurisdiction: id, Title: "Breach notification to the regulator (no list encoded for " + id + ")", Language: "en",
		Source: "no list encoded for this jurisdiction: a generic list; have a lawyer check the local law",
		Fields: []ReportField{
			field("organisation", "Organisation responsible for the data", "generic", FactOrganisation, "the organisation's name and address"),
			field("contact", "Contact point for questions", "generic", FactContact, "a contact's name, e-mail and phone"),
			field("nature", "Description of the breach", "generic", FactNature, "a description of what happened"),
			field("occurred", "When the breach happened", "generic", FactOccurred, "the date or period of the breach"),
			field("discovered", "When the breach was discovered", "generic", FactDiscovered, "the date of discovery"),
			field("categories", "Categories of personal data involved", "generic", FactCategories, "the categories of data"),
			field("subjects", "Number of people affected", "generic", FactSubjects, "the number of people affected"),
			field("consequences", "Likely consequences", "generic", FactConsequences, "the likely consequences"),
			field("measures", "Measures taken or proposed", "generic", FactMeasures, "the measures taken or proposed"),
			field("advice", "What affected people can do", "generic", FactAdvice, "advice for affected people"),
			field("individuals", "Notice to affected people", "generic", FactIndividuals, "how and when people were told"),
		},
	}
}

// ReportForms returns the notifications a jurisdiction's regulator (and the
// further addressees with content rules of their own) must receive, each
// with the fields it must contain, in the order of the law or form. An id
// without an encoded list gets one generic, unverified form. Ids are
// matched without regard to case.
func ReportForms(jurisdiction string) []ReportForm {
	id := strings.ToUpper(strings.TrimSpace(jurisdiction))
	forms, ok := reportForms[id]
	if f, state := usStateReportForm(id); !ok && state {
		return []ReportForm{f}
	}
	if !ok {
		return []ReportForm{genericForm(id)}
	}
	out := make([]ReportForm, len(forms))
	for i, f := range forms {
		f.Fields = append([]ReportField(nil), f.Fields...)
		out[i] = f
	}
	return out
}

// HasReportForms reports whether a jurisdiction has a list of its own
// (rather than the generic one).
func HasReportForms(jurisdiction string) bool {
	id := strings.ToUpper(strings.TrimSpace(jurisdiction))
	_, ok := reportForms[id]
	_, state := usStateReportForm(id)
	return ok || state
}

// MemberState returns the EU/EEA member state whose supervisory authority
// covers people living in country (an ISO 3166-1 code): the country itself
// for a member state (Greece as "GR", also "EL"), the member state of an
// outermost region or Åland. ok is false outside the EU/EEA.
func MemberState(country string) (state string, ok bool) {
	c := strings.ToUpper(strings.TrimSpace(country))
	if t, ok := euTerritories[c]; ok {
		return t.state, true
	}
	if c == "EL" {
		return "GR", true
	}
	if _, ok := eeaAuthorities[c]; ok {
		return c, true
	}
	return "", false
}

// SupervisoryAuthority names the data-protection supervisory authority of
// an EU/EEA member state, e.g. "Datatilsynet (Denmark)".
func SupervisoryAuthority(state string) (string, error) {
	s, ok := MemberState(state)
	if !ok {
		return "", fmt.Errorf("supervisory authority: %q is not an EU/EEA member state", state)
	}
	return eeaAuthorities[s], nil
}

// HasEUEstablishment reports whether an organisation established in est
// (ISO country) has its main establishment in the EU/EEA, so that the
// one-stop-shop's lead supervisory authority receives its report.
func HasEUEstablishment(est string) bool {
	_, ok := MemberState(est)
	return ok
}
