//! ACLED sub-event types of English event reports, on invented report-style sentences: the
//! usual wording of each sub-type proposes an event of it.

mod common;

use common::{document, engine};

/// The ACLED sub-event types of the events of `text`, in order.
fn sub_types(text: &str) -> Vec<String> {
    engine()
        .extract(&document(text, "en"))
        .events
        .into_iter()
        .filter_map(|e| e.acled.map(|a| a.sub_event_type.into_owned()))
        .collect()
}

const CASES: &[(&str, &str)] = &[
    ("Militants of the Northern Front clashed with army forces near the town of Karsa.", "Armed clash"),
    ("Soldiers and militiamen exchanged gunfire for two hours near the river crossing.", "Armed clash"),
    ("Unidentified gunmen opened fire on a minibus near the market, killing two civilians.", "Attack"),
    ("Gunmen shot and killed a village chief in front of his house.", "Attack"),
    ("A drone strike hit a vehicle carrying suspected militants on the outskirts of the town.", "Air/drone strike"),
    ("Government forces shelled villages on the outskirts of the district, wounding three people.", "Shelling/artillery/missile attack"),
    ("A missile attack targeted the airport late on Tuesday.", "Shelling/artillery/missile attack"),
    ("Army artillery fire hit residential areas of the town.", "Shelling/artillery/missile attack"),
    ("An IED exploded near a police patrol on the main road, injuring two officers.", "Remote explosive/landmine/IED"),
    ("A booby-trapped motorcycle exploded outside a police station.", "Remote explosive/landmine/IED"),
    ("A suicide bomber detonated an explosive vest at a checkpoint, killing five soldiers.", "Suicide bomb"),
    ("Armed men abducted two aid workers on the road to the border crossing.", "Abduction/forced disappearance"),
    ("Unknown assailants kidnapped a local chief from his home overnight.", "Abduction/forced disappearance"),
    ("Looters ransacked a warehouse belonging to an aid group.", "Looting/property destruction"),
    ("Unknown men torched the offices of the electoral commission.", "Looting/property destruction"),
    ("Militants set fire to a church in the village.", "Looting/property destruction"),
    ("Militants seized control of the town after government troops withdrew.", "Non-state actor overtakes territory"),
    ("The rebels overtook two army posts in the mountains.", "Non-state actor overtakes territory"),
    ("The army regained control of the village following heavy fighting.", "Government regains territory"),
    ("Government forces wrested control of the port from the rebels.", "Government regains territory"),
    ("Police defused a bomb planted near a school.", "Disrupted weapons use"),
    ("Army engineers dismantled an IED planted on the road to the airport.", "Disrupted weapons use"),
    ("Militia members set up a checkpoint on the road leading to the town.", "Headquarters or base established"),
    ("The militia established a base in the abandoned school.", "Headquarters or base established"),
    ("Hundreds of teachers demonstrated outside the ministry to demand unpaid salaries.", "Peaceful protest"),
    ("Thousands of residents took to the streets of the capital to denounce fuel prices.", "Peaceful protest"),
    ("Police dispersed protesters with tear gas in front of the parliament.", "Protest with intervention"),
    ("Police broke up a protest by unemployed graduates outside the governorate building.", "Protest with intervention"),
    ("Security forces opened fire on protesters, killing four people.", "Excessive force against protesters"),
    ("Soldiers beat protesters with batons and fired at demonstrators near the square.", "Excessive force against protesters"),
    ("Rioters threw stones at police and burned tyres on the main road.", "Violent demonstration"),
    ("Protesters clashed with police after the funeral, throwing rocks and petrol bombs.", "Violent demonstration"),
    ("A mob lynched a man in the village.", "Mob violence"),
    ("Soldiers raped two women during a raid on the village.", "Sexual violence"),
    ("A grenade was thrown into a bar, wounding six people.", "Grenade"),
    ("The two armed groups signed an agreement to share control of the district.", "Agreement"),
    ("The rebel group announced the formation of a new military council.", "Change to group/activity"),
    ("Government troops handed over control of the town to the local administration.", "Non-violent transfer of territory"),
    ("Police arrested 12 people suspected of smuggling weapons.", "Arrests"),
    // A month in the report's date is no "may": the event stays asserted.
    ("On 12 May 2023, hundreds of nurses demonstrated outside the health ministry.", "Peaceful protest"),
    // "bombed" is its own pattern (an air strike), not "bomb" (an explosive device) with a suffix.
    ("Government jets bombed a market in the rebel-held town, killing 9 people.", "Air/drone strike"),
    // The means names the violence even when the victims are armed.
    ("A drone strike hit a pickup near the border, killing three militia fighters.", "Air/drone strike"),
    ("Helicopters dropped barrels of chlorine gas on the besieged suburb.", "Chemical weapon"),
    ("Rebels seized a police station in the north of the province.", "Non-state actor overtakes territory"),
    ("Government warplanes shelled rebel positions near the town.", "Air/drone strike"),
    // A crowd of civilians as the agent: mob violence, or a riot when they demonstrate.
    ("Villagers beat two suspected cattle thieves to death near the river.", "Mob violence"),
    ("Protesters set fire to a police car outside the court.", "Violent demonstration"),
    ("Two villagers killed in an attack by bandits near the river.", "Attack"),
    ("Soldiers seized a weapons cache in a house near the border.", "Disrupted weapons use"),
    ("The armed movement named a new military commander for its eastern front.", "Change to group/activity"),
    ("Residents attacked a suspected thief and beat him to death near the market.", "Mob violence"),
    ("Demonstrators set fire to tyres and threw stones at the police outside the court.", "Violent demonstration"),
    ("An unmanned aerial vehicle struck a truck on the coastal road, killing its driver.", "Air/drone strike"),
    ("Residents stoned a man accused of theft in the main market.", "Mob violence"),
    ("A student was shot by a sniper near the university gate.", "Attack"),
    ("Masked men took the lawyer to an unknown location after stopping his car.", "Abduction/forced disappearance"),
    ("Government forces dropped guided aerial bombs on the northern districts.", "Air/drone strike"),
    ("Members of two rival cartels engaged in a shootout near the highway toll booth.", "Armed clash"),
    ("Militants executed two men in the town square.", "Attack"),
    ("The militia established a new checkpoint at the northern entrance of the city.", "Headquarters or base established"),
    ("The rebels seized a border guard police camp in the north of the township.", "Non-state actor overtakes territory"),
    ("Al Shabaab militants attacked an AMISOM base in the south; the attack was repelled.", "Armed clash"),
    // "captured" people is taking people, not a position; supporters who storm are rioters.
    ("Houthi forces captured a fisherman off the coast.", "Abduction/forced disappearance"),
    ("Supporters of the opposition candidate stormed the electoral commission office.", "Violent demonstration"),
    ("Security forces fired pellets at protesters in the city centre, killing one.", "Excessive force against protesters"),
    ("Border police seized a large cache of weapons and explosives near the crossing.", "Disrupted weapons use"),
];

/// "seized" takes a position only when its object names one.
#[test]
fn seized_goods_are_no_territory() {
    let got = sub_types("Police seized two kilograms of drugs at the airport.");
    assert!(!got.iter().any(|s| s.contains("territory")), "{got:?}");
}

/// "accused of" after a noun describes a person ("a man accused of theft"): no accusation of its
/// own; after an auxiliary it is one ("was accused of").
#[test]
fn a_person_accused_of_something_is_no_accusation() {
    let kinds = |text: &str| -> Vec<marsad_core::Kind> {
        engine()
            .extract(&document(text, "en"))
            .events
            .into_iter()
            .map(|e| e.kind)
            .collect()
    };
    let got = kinds("A mob lynched a man accused of blasphemy in the village.");
    assert_eq!(got, vec![marsad_core::Kind::MobViolence]);
    let got = kinds("The minister was accused of corruption by the opposition.");
    assert!(got.contains(&marsad_core::Kind::Accusation), "{got:?}");
}

#[test]
fn report_wording_gives_the_sub_type() {
    let mut failures = Vec::new();
    for &(text, expected) in CASES {
        let got = sub_types(text);
        // The report's event comes first (other events of the sentence may follow).
        if got.first().map(String::as_str) != Some(expected) {
            failures.push(format!(
                "{text:?}: expected {expected:?} first, got {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_arrest_with_no_trace_is_a_forced_disappearance() {
    let got = sub_types(
        "Security agents detained an activist at his home and his whereabouts remain unknown.",
    );
    assert_eq!(got, vec!["Abduction/forced disappearance"]);
}

#[test]
fn two_means_in_one_sentence_are_two_events() {
    let got = sub_types(
        "Russian forces shelled Kherson with artillery while drones struck power facilities.",
    );
    assert!(
        got.iter().any(|s| s == "Shelling/artillery/missile attack")
            && got.iter().any(|s| s == "Air/drone strike"),
        "{got:?}"
    );
}

#[test]
fn a_road_accident_is_no_attack() {
    let got =
        sub_types("Four people were killed in a road accident on the highway to the capital.");
    assert!(got.is_empty(), "{got:?}");
}

#[test]
fn people_are_no_event() {
    // "aid workers" is no aid.
    let got = sub_types("Aid workers said the camp was calm.");
    assert!(got.is_empty(), "{got:?}");
}

/// Arabic: the kinds of the candidates of `text` (before the context scorer decides).
fn arabic_kinds(text: &str) -> Vec<marsad_core::Kind> {
    engine()
        .candidates(&document(text, "ar"))
        .into_iter()
        .map(|c| c.kind)
        .collect()
}

#[test]
fn arabic_wording_proposes_the_kind() {
    use marsad_core::Kind;
    let cases: &[(&str, Kind)] = &[
        (
            "وأفاد مصدر محلي بأن الطائرات المسيرة استهدفت سيارة على طريق المطار.",
            Kind::AirStrike,
        ),
        (
            "وأعلن الجيش أن قواته استعادت السيطرة على البلدة.",
            Kind::TerritoryRegained,
        ),
        (
            "وأضرم مسلحون النار في عدد من المحال التجارية وسط المدينة.",
            Kind::PropertyDestruction,
        ),
        (
            "وتمكنت وحدة الهندسة من تفكيك عبوة لاصقة وضعت أسفل سيارة.",
            Kind::WeaponsSeizure,
        ),
        (
            "وأعلن الفصيل إنشاء مقر جديد له في المدينة.",
            Kind::BaseEstablished,
        ),
        (
            "وتعرضت عشرات النساء للعنف الجنسي خلال الهجوم على القرية.",
            Kind::SexualViolence,
        ),
        (
            "واندلع اقتتال بين فصيلين مسلحين في ريف المدينة.",
            Kind::ArmedClash,
        ),
        (
            "وقالت المنظمة إن الناشط تعرض للإخفاء القسري منذ اعتقاله.",
            Kind::Abduction,
        ),
        (
            "واستعاد الجيش العراقي السيطرة على قرية في قضاء الحويجة.",
            Kind::TerritoryRegained,
        ),
        (
            "وأعلنت الجماعة المسلحة حل نفسها وتسليم أسلحتها.",
            Kind::GroupChange,
        ),
        (
            "واقتادت قوة أمنية الصحفي إلى جهة مجهولة فجر اليوم.",
            Kind::Abduction,
        ),
        ("وقتل شاب برصاص قناص في حي الشيخ مقصود.", Kind::Attack),
    ];
    let mut failures = Vec::new();
    for &(text, kind) in cases {
        let got = arabic_kinds(text);
        if !got.contains(&kind) {
            failures.push(format!("{text:?}: expected {kind:?} among {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
