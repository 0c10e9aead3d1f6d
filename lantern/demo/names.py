"""Synthetic names for the demo: an English city's ethnic mix, nicknames and typing errors.

Each group is an ONS 2021 census group as the DfE codes it, with a share of the population
roughly as a large English city has it (a majority White British; Pakistani, Indian,
Bangladeshi, Black African, Black Caribbean, mixed, other White, Chinese, Arab and other Asian
communities). Every group has given names by sex and family names, each list most common
first, drawn with weights that fall away like real name frequencies. They are common names
only: any pairing of them is a coincidence, never a real person.

The API is three functions: `pick_person(rng)` for a new person, `nickname(rng, given)` for
the name they may go by, and `misspell(rng, name)` for how someone might type it wrongly.
`pick_given` and `pick_family` serve relatives who share a family and a background.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass, field
from itertools import accumulate

FEMALE, MALE = "female", "male"


@dataclass(frozen=True)
class Group:
    """One community: its DfE ethnicity code, its share of the city, and its names by era.

    `given` maps a sex to names for people born in or after the era's first year, newest era
    first; `family_by_sex` replaces the family name for some people of one sex (a Sikh
    woman's Kaur, a Bangladeshi woman's Begum) with the given probability."""

    code: str
    share: float
    given: dict[str, list[tuple[int, list[str]]]]
    family: list[str]
    family_by_sex: dict[str, tuple[float, list[str]]] = field(default_factory=dict)
    middle_name_rate: float = 0.2
    family_spread: int = 3  # k in the weights below: higher for communities of many origins


def _split(text: str) -> list[str]:
    return text.split()


# White British, by the era a person was born in (the names fashionable then).
WBRI_MALE = [
    (
        2000,
        _split(
            "Oliver Jack Harry George Noah Charlie Jacob Thomas Oscar William James Leo Alfie "
            "Joshua Freddie Archie Ethan Isaac Alexander Joseph Edward Samuel Max Logan Lucas "
            "Daniel Theo Arthur Mason Harrison Tyler Riley Dylan Finley Jayden Liam Lewis Kai "
            "Callum Connor Kyle Ryan Jake Reece Bradley Luke Owen Toby Harvey Louie Jenson Rhys"
        ),
    ),
    (
        1975,
        _split(
            "Daniel Thomas James Matthew Christopher Michael David Andrew Ryan Adam Luke "
            "Jonathan Richard Robert Mark Craig Lee Jamie Ben Samuel Benjamin Joseph William "
            "Ashley Stephen Paul Scott Dean Carl Liam Gareth Simon Nicholas Darren Wayne Kevin "
            "Martin Ian Jason Steven Shaun Gary Jordan Aaron Nathan Kieran Stuart Philip"
        ),
    ),
    (
        0,
        _split(
            "David John Paul Mark Michael Andrew Peter Stephen Robert Ian Richard Gary Alan "
            "Christopher Anthony Kevin Brian Steven Keith Martin Neil Simon Philip Graham "
            "Colin Trevor Barry Nigel Derek Kenneth Raymond Terence Malcolm Roger Geoffrey "
            "Dennis Anthony Clive Stuart Timothy William George Edward Jonathan Frank Harold"
        ),
    ),
]
WBRI_FEMALE = [
    (
        2000,
        _split(
            "Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Isabella "
            "Jessica Sophie Freya Chloe Ruby Millie Daisy Phoebe Holly Charlotte Erin Lucy "
            "Megan Ellie Katie Abigail Hannah Lauren Paige Jade Courtney Shannon Caitlin "
            "Bethany Amber Leah Molly Niamh Kayleigh Libby Scarlett Harriet Matilda Esme Maisie"
        ),
    ),
    (
        1975,
        _split(
            "Sarah Laura Emma Rebecca Gemma Claire Lisa Nicola Samantha Amy Hayley Kelly "
            "Rachel Kirsty Stacey Danielle Jennifer Natalie Victoria Katherine Charlotte "
            "Louise Joanne Michelle Hannah Lauren Jessica Zoe Jodie Leanne Kerry Donna Vicky "
            "Kathryn Helen Elizabeth Catherine Lindsey Stephanie Sophie Kimberley Jade"
        ),
    ),
    (
        0,
        _split(
            "Susan Julie Karen Linda Margaret Patricia Elizabeth Christine Jacqueline Tracey "
            "Deborah Carol Janet Sandra Gillian Alison Angela Lesley Jane Wendy Pauline "
            "Denise Lynn Sharon Dawn Anne Mary Jean Barbara Maureen Valerie Diane Joan "
            "Sheila Brenda Kathleen Catherine Helen Amanda Theresa Beverley Yvonne"
        ),
    ),
]
WBRI_FAMILY = _split(
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson "
    "Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood "
    "Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen "
    "James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly "
    "Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall "
    "Anderson Simpson Ellis Adams Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt "
    "Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker "
    "Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Fletcher Walsh Gibson Howard "
    "Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence "
    "Cole Atkinson Bradley Spencer Dawson Ball Burton Watts Rose Booth Perry Ryan Grant Wells "
    "Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe "
    "Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter "
    "Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Dean Lane Cooke Bates "
    "Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman "
    "Warren Nicholls Hamilton Sutton McDonald Yates Hodgson Robson Curtis Hopkins Harper "
    "Coleman Watkins Moss Chambers Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon "
    "Wallace George Jordan Hutchinson Tucker Barber Hammond Lord Whitehouse Brookes Thornton "
    "Rowe Slater Fowler Pritchard Goodwin Steele Heath Kirby Houghton Sanderson Charlton "
    "Naylor Jarvis Blackburn Whittaker Crossley Ashworth Greenwood Sykes Barlow Haworth"
)

WIRI_MALE = [
    (
        0,
        _split(
            "Sean Patrick Michael John Ciaran Conor Declan Niall Liam Brendan Kevin Eoin "
            "Cillian Darragh Padraig Eamon Dermot Kieran Aidan Ronan Cormac Fintan Shane"
        ),
    )
]
WIRI_FEMALE = [
    (
        0,
        _split(
            "Mary Siobhan Aoife Niamh Ciara Roisin Sinead Bridget Orla Grainne Caoimhe Saoirse "
            "Maeve Deirdre Eileen Kathleen Noreen Aisling Clodagh Fiona Catriona Una"
        ),
    )
]
WIRI_FAMILY = _split(
    "Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor O'Neill O'Reilly Doyle McCarthy "
    "Gallagher Doherty Kennedy Lynch Quinn Brennan Fitzgerald Nolan Maguire Flynn Dunne Keane "
    "Donnelly Sweeney Moran McGrath Boyle Kavanagh Brady Daly Connolly Farrell Hughes Burke"
)

WOTH_MALE = [
    (
        0,
        _split(
            "Jakub Kacper Szymon Filip Mateusz Piotr Tomasz Krzysztof Marcin Pawel Michal "
            "Andrei Alexandru Ionut Mihai Stefan Lukas Tomas Mantas Darius Joao Tiago Rui "
            "Marco Luca Adrian Bogdan Florin Dawid Bartosz Kamil Arturas Nikola Marek Dominik"
        ),
    )
]
WOTH_FEMALE = [
    (
        0,
        _split(
            "Zuzanna Julia Maja Zofia Aleksandra Natalia Wiktoria Oliwia Agnieszka Katarzyna "
            "Magdalena Joanna Ioana Andreea Elena Maria Ana Gabriela Ieva Egle Ruta Ines "
            "Beatriz Sofia Anastasia Daria Alina Monika Karolina Dominika Paulina Justyna"
        ),
    )
]
WOTH_FAMILY = _split(
    "Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski Szymanski "
    "Wozniak Dabrowski Kozlowski Jankowski Mazur Kwiatkowski Krawczyk Popescu Ionescu Popa "
    "Radu Dumitru Stan Stoica Gheorghe Matei Kazlauskas Petrauskas Jankauskas Silva Santos "
    "Ferreira Pereira Costa Oliveira Rossi Russo Horvath Nagy Novak Ivanov Petrov Balan"
)

APKN_MALE = [
    (
        0,
        _split(
            "Mohammed Muhammad Ali Hamza Zain Ibrahim Yusuf Adam Ayaan Abdullah Omar Bilal "
            "Imran Asif Tariq Usman Haris Rehan Faisal Kashif Shahid Zubair Saqib Amir Hassan "
            "Hussain Arslan Aqib Danyal Musa Waqas Adnan Junaid Naveed Sohail Zeeshan Haider"
        ),
    )
]
APKN_FEMALE = [
    (
        0,
        _split(
            "Aisha Fatima Maryam Zara Hafsa Khadija Iqra Amina Sana Ayesha Noor Zainab Hira "
            "Mariam Sadia Nadia Samina Shazia Rabia Anam Mehreen Aleena Inaya Hania Alishba "
            "Sumaira Nazia Bushra Kiran Safa Eman Laiba Mahnoor Areeba Sidra Saima"
        ),
    )
]
APKN_FAMILY = _split(
    "Khan Hussain Ahmed Ali Akhtar Iqbal Mahmood Shah Butt Malik Rehman Aslam Javed Riaz Mirza "
    "Anwar Qureshi Sheikh Raja Chaudhry Mughal Baig Rashid Saleem Yousaf Nawaz Ashraf Hanif "
    "Zaman Bashir Latif Majid Sadiq Rafiq Aziz Arshad Parveen Akram Ghani Siddique"
)

AIND_MALE = [
    (
        0,
        _split(
            "Arjun Rohan Aarav Vihaan Krish Dev Rahul Amit Sanjay Vijay Ravi Harpreet "
            "Gurpreet Jaspreet Manpreet Sandeep Rajesh Sunil Anil Nikhil Aryan Karan Ishaan "
            "Hardeep Jaswinder Kuldip Mandeep Navdeep Pritpal Sukhdev Vikram Ashok Deepak"
        ),
    )
]
AIND_FEMALE = [
    (
        0,
        _split(
            "Priya Anjali Neha Pooja Aanya Diya Simran Kiran Sunita Meera Riya Asha Kavita "
            "Navneet Harleen Jasleen Amrit Divya Shreya Anika Isha Rajinder Parminder "
            "Sukhjinder Jaspal Manjit Kamaljit Rupinder Nisha Seema Anita Geeta Hema"
        ),
    )
]
AIND_FAMILY = _split(
    "Patel Singh Sharma Gill Sandhu Kumar Shah Mistry Parmar Sidhu Dhillon Bains Chauhan "
    "Joshi Mehta Desai Gupta Rai Solanki Kang Johal Grewal Sohal Virdi Bhatt Lad Chohan Mann "
    "Atwal Thind Sahota Basra Kaur Pandya Kapoor Chopra Verma Nair Pillai"
)

ABAN_MALE = [
    (
        0,
        _split(
            "Mohammed Abdul Mohammad Rahim Sabbir Shahid Jamal Kamal Rafiq Shafiq Mizanur "
            "Habib Ayaan Rayyan Zayn Ibrahim Yusuf Adam Tahmid Nayeem Sami Arif Faruk Hasan "
            "Anwar Shahin Rubel Tanvir Masud Jahangir Kawsar Mahbub Rakib Salman"
        ),
    )
]
ABAN_FEMALE = [
    (
        0,
        _split(
            "Fatema Ruksana Nasima Rahima Sumaiya Tasnim Nusrat Sadia Sabina Shamima Jannat "
            "Maryam Aisha Anisa Halima Tahmina Rumana Shirin Farzana Nazia Afsana Jesmin "
            "Rehana Sultana Taslima Shahnaz Momotaz Khadija Maisha Labiba"
        ),
    )
]
ABAN_FAMILY = _split(
    "Uddin Miah Ahmed Rahman Islam Hussain Ali Choudhury Hoque Hossain Alam Karim Khan Ullah "
    "Mia Akhter Sarkar Haque Chowdhury Rashid Mahmud Hasan Bhuiyan Talukder Sheikh Mollah"
)

BAFR_MALE = [
    (
        0,
        _split(
            "Emmanuel Daniel David Samuel Joshua Michael Oluwaseun Chinedu Tobi Tunde Kwame "
            "Kofi Abdi Mohamed Ahmed Abdullahi Tendai Tinashe Chidi Ifeanyi Femi Segun Yusuf "
            "Jean Patrick Emeka Obinna Kelechi Kwabena Yaw Abdirahman Mustafe Farai Tatenda "
            "Olumide Babajide Godfrey Isaac Elijah Moses Gabriel"
        ),
    )
]
BAFR_FEMALE = [
    (
        0,
        _split(
            "Grace Blessing Precious Faith Esther Deborah Favour Adaeze Chioma Ngozi Funmilayo "
            "Aisha Hodan Fadumo Sagal Amina Ayan Hibo Nyasha Rutendo Abena Ama Akosua Temitope "
            "Folake Ruth Mercy Joy Comfort Patience Ifeoma Nneka Yetunde Bisola Zainab Sahra"
        ),
    )
]
BAFR_FAMILY = _split(
    "Okafor Adeyemi Okonkwo Mensah Boateng Asante Owusu Osei Mohamed Ali Abdi Hassan Ahmed "
    "Farah Hussein Omar Warsame Adebayo Ogunleye Olawale Nwosu Eze Chukwu Moyo Ncube Dube "
    "Sibanda Mutasa Kamara Conteh Bangura Sesay Mwangi Otieno Ochieng Mukendi Tesfaye Bekele "
    "Girma Afolabi Oyelaran Appiah Agyeman Nkosi Banda Phiri Diallo Jalloh Yusuf Ibrahim"
)

BCRB_MALE = [
    (
        0,
        _split(
            "Jermaine Tyrone Marcus Andre Dwayne Kyle Jordan Malachi Isaiah Nathaniel Tyler "
            "Kai Elijah Jaden Leon Devon Delroy Winston Clive Errol Lloyd Trevor Junior "
            "Reuben Zachary Tariq Kareem Joel Josiah Nathan Aaron"
        ),
    )
]
BCRB_FEMALE = [
    (
        0,
        _split(
            "Shanice Tanisha Keisha Aaliyah Chantelle Jada Nia Amara Kiara Leah Tia Monique "
            "Simone Jasmine Marcia Paulette Beverley Sonia Hyacinth Janet Maxine Nadine "
            "Kerry-Ann Tamara Naomi Zara Imani Shanelle Latoya Tiana"
        ),
    )
]
BCRB_FAMILY = _split(
    "Campbell Brown Williams Clarke Francis Thomas Johnson Grant Henry Morgan Reid Lewis "
    "Bailey Edwards Gordon Douglas Samuels Richards Stewart Allen Walker Robinson Thompson "
    "Wright Barnes Bennett Forbes Gayle Hamilton Lindo McKenzie Powell Spencer Palmer Graham "
    "Anderson Ellis Daley Dixon Blake Mullings Peart Facey Gooden Beckford"
)

CHNE_MALE = [
    (
        0,
        _split(
            "Wei Jun Hao Yi Jie Ming Lei Kevin Jason Daniel Eric Tony Ka Chun Ho Yan Zhi Tian "
            "Yu Bo Kai Jack Ryan Alex Michael Chi Wing Man Kit"
        ),
    )
]
CHNE_FEMALE = [
    (
        0,
        _split(
            "Mei Li Ying Xin Jing Yan Hui Lin Grace Amy Jenny Vivian Cindy Xiao Yu Ling Fang "
            "Wen Qing Hong Emily Chloe Michelle Sze Wai Ka Man Yee"
        ),
    )
]
CHNE_FAMILY = _split(
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Wong Chan "
    "Cheung Lau Leung Ng Lam Ho Yip Tang Lee Cheng Tsang Yeung Kwok Fung"
)

OOTH_MALE = [
    (
        0,
        _split(
            "Ahmed Mohammed Omar Ali Yousef Khalid Hassan Mahmoud Mustafa Karim Tariq Sami "
            "Ibrahim Adam Zaid Hamza Rami Bilal Amir Nabil Fadi Yasin Kamal Hadi Jamal Saif "
            "Anas Majid Walid Ayman"
        ),
    )
]
OOTH_FEMALE = [
    (
        0,
        _split(
            "Fatima Layla Noor Mariam Sara Hana Yasmin Amira Rania Salma Dina Lina Huda Reem "
            "Aya Zainab Rana Mona Leila Nour Malak Jana Samira Hiba Dalia Asma Rasha"
        ),
    )
]
OOTH_FAMILY = _split(
    "Ahmed Ali Hassan Hussein Ibrahim Mahmoud Mohamed Abdullah Salem Saleh Khalil Haddad "
    "Nasser Mansour Hamdan Aziz Farouk Rashid Youssef Osman Abbas Jaber Qasim Sultan Karam "
    "Zaki Al-Amin Al-Hashimi Darwish Suleiman Najjar Khoury Hamid"
)

AOTH_MALE = [
    (
        0,
        _split(
            "Ahmad Mohammad Ali Reza Farid Jawad Tharun Suresh Rajan Jose Mark John Bishal "
            "Sagar Hamid Sayed Mustafa Nasir Rohit Prakash Niroshan Kasun Miguel Paolo"
        ),
    )
]
AOTH_FEMALE = [
    (
        0,
        _split(
            "Zahra Maryam Fatima Parisa Shabnam Nisha Priya Maria Anne Sita Pooja Mahsa "
            "Nilufar Tharshika Dilani Rosa Joy Marites Angelica Sunita Laila Sahar"
        ),
    )
]
AOTH_FAMILY = _split(
    "Ahmadi Rahimi Hashimi Karimi Mohammadi Sultani Noori Safi Sivakumar Selvarajah "
    "Nadarajah Santos Reyes Cruz Garcia Gurung Tamang Thapa Limbu Hosseini Jafari Rezaei "
    "Perera Fernando Silva Bautista Mendoza Shrestha"
)


def _mixed(*parts: list[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """The names of two communities together, era by era (a parent's names from either)."""
    years = sorted({year for part in parts for year, _ in part}, reverse=True)
    return [
        (
            year,
            [
                name
                for part in parts
                for name in next(names for since, names in part if since <= year)
            ],
        )
        for year in years
    ]


GROUPS: list[Group] = [
    Group("WBRI", 0.610, {MALE: WBRI_MALE, FEMALE: WBRI_FEMALE}, WBRI_FAMILY, family_spread=15),
    Group("WIRI", 0.010, {MALE: WIRI_MALE, FEMALE: WIRI_FEMALE}, WIRI_FAMILY),
    Group(
        "WOTH",
        0.060,
        {MALE: WOTH_MALE, FEMALE: WOTH_FEMALE},
        WOTH_FAMILY,
        middle_name_rate=0.05,
        family_spread=10,
    ),
    Group(
        "APKN",
        0.080,
        {MALE: APKN_MALE, FEMALE: APKN_FEMALE},
        APKN_FAMILY,
        {FEMALE: (0.15, _split("Bibi Begum Kausar"))},
        middle_name_rate=0.25,
    ),
    Group(
        "AIND",
        0.040,
        {MALE: AIND_MALE, FEMALE: AIND_FEMALE},
        AIND_FAMILY,
        {MALE: (0.2, ["Singh"]), FEMALE: (0.2, ["Kaur"])},
        middle_name_rate=0.1,
    ),
    Group(
        "ABAN",
        0.025,
        {MALE: ABAN_MALE, FEMALE: ABAN_FEMALE},
        ABAN_FAMILY,
        {FEMALE: (0.35, _split("Begum Khatun Bibi"))},
        middle_name_rate=0.25,
    ),
    Group("BAFR", 0.050, {MALE: BAFR_MALE, FEMALE: BAFR_FEMALE}, BAFR_FAMILY, family_spread=8),
    Group("BCRB", 0.020, {MALE: BCRB_MALE, FEMALE: BCRB_FEMALE}, BCRB_FAMILY),
    Group(
        "MWBC",
        0.020,
        {MALE: _mixed(WBRI_MALE, BCRB_MALE), FEMALE: _mixed(WBRI_FEMALE, BCRB_FEMALE)},
        WBRI_FAMILY[:80] + BCRB_FAMILY,
    ),
    Group(
        "MWBA",
        0.010,
        {MALE: _mixed(WBRI_MALE, BAFR_MALE), FEMALE: _mixed(WBRI_FEMALE, BAFR_FEMALE)},
        WBRI_FAMILY[:80] + BAFR_FAMILY,
    ),
    Group(
        "MWAS",
        0.012,
        {MALE: _mixed(WBRI_MALE, AIND_MALE), FEMALE: _mixed(WBRI_FEMALE, APKN_FEMALE)},
        WBRI_FAMILY[:80] + APKN_FAMILY[:20] + AIND_FAMILY[:20],
    ),
    Group(
        "MOTH",
        0.010,
        {MALE: _mixed(WBRI_MALE, OOTH_MALE), FEMALE: _mixed(WBRI_FEMALE, CHNE_FEMALE)},
        WBRI_FAMILY[:80] + OOTH_FAMILY[:15] + CHNE_FAMILY[:15],
    ),
    Group(
        "CHNE",
        0.015,
        {MALE: CHNE_MALE, FEMALE: CHNE_FEMALE},
        CHNE_FAMILY,
        middle_name_rate=0.05,
    ),
    Group("OOTH", 0.023, {MALE: OOTH_MALE, FEMALE: OOTH_FEMALE}, OOTH_FAMILY),
    Group("AOTH", 0.015, {MALE: AOTH_MALE, FEMALE: AOTH_FEMALE}, AOTH_FAMILY, family_spread=8),
]
BY_CODE = {group.code: group for group in GROUPS}


class _Weighted:
    """Names drawn most common first with weight 1/(rank + k): a Zipf-like fall, flatter as k
    grows. With k=15 the first of 230 family names is about 2.4% of the draws (Smith is about
    1.3% of people in England; the rest of its weight goes to the long tail below)."""

    def __init__(self, names: list[str], k: int = 3) -> None:
        self.names = list(dict.fromkeys(names))  # a name listed twice counts once
        self.cumulative = list(accumulate(1 / (rank + k) for rank in range(len(self.names))))

    def pick(self, rng: random.Random) -> str:
        return self.names[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


# England has tens of thousands of rarer surnames, mostly from places: a long tail made of
# place-name parts (Ashworth, Thornley, Fenbridge...) keeps common names as rare as they are.
_PLACE_STARTS = _split(
    "Ash Black Brad Brook Bur Cal Clay Cold Crom Dal Dun East Elm Fair Fen Gold Green Hal Har "
    "Hath Hay Hol Horn Kin Lang Lin Mar Mid Mor New North Oak Pen Rad Red Ring Rud Sal Sand "
    "Shel South Stan Stock Thorn Wal War West Whit Wil Win Wood Wor Ather Bark Bel Birch Bram "
    "Carl Ched Chil Ding Fal Fox Gar Glad Had Ling Marl Nor Pil Rams Shep Tad Ux"
)
_PLACE_ENDS = _split(
    "ton ford ley field worth wood well by ham hurst shaw den combe more stone bridge brook "
    "dale wick croft thorpe land cliffe ridge hill low"
)
PLACE_SURNAMES = [start + end for start in _PLACE_STARTS for end in _PLACE_ENDS]
WBRI_TAIL_SHARE = 0.4


_GROUP_WEIGHTS = list(accumulate(group.share for group in GROUPS))
_GIVEN = {
    (group.code, sex, since): _Weighted(names, k=6)
    for group in GROUPS
    for sex, eras in group.given.items()
    for since, names in eras
}
_FAMILY = {group.code: _Weighted(group.family, k=group.family_spread) for group in GROUPS}
_FAMILY_BY_SEX = {
    (group.code, sex): (rate, _Weighted(names))
    for group in GROUPS
    for sex, (rate, names) in group.family_by_sex.items()
}
_GENDERED_ENDINGS = (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))


def pick_group(rng: random.Random) -> Group:
    """A community, in proportion to its share of the city."""
    return GROUPS[bisect(_GROUP_WEIGHTS, rng.random() * _GROUP_WEIGHTS[-1])]


def pick_given(rng: random.Random, *, sex: str, ethnicity: str, born: int | None = None) -> str:
    """A given name (sometimes with a middle name) for someone of this sex and background
    born in `born` (a year; the newest era when not given)."""
    group = BY_CODE[ethnicity]
    eras = group.given[sex]
    since = next((s for s, _ in eras if born is None or s <= born), eras[-1][0])
    names = _GIVEN[(ethnicity, sex, since)]
    first = names.pick(rng)
    if rng.random() < group.middle_name_rate:
        middle = names.pick(rng)
        if middle != first:
            return f"{first} {middle}"
    return first


def pick_family(rng: random.Random, *, ethnicity: str, sex: str = "") -> str:
    """A family name of this background (in the form a woman's name takes where it has one)."""
    by_sex = _FAMILY_BY_SEX.get((ethnicity, sex))
    if by_sex is not None and rng.random() < by_sex[0]:
        return by_sex[1].pick(rng)
    if ethnicity == "WBRI" and rng.random() < WBRI_TAIL_SHARE:
        return rng.choice(PLACE_SURNAMES)
    family = _FAMILY[ethnicity].pick(rng)
    if sex == FEMALE:
        for male, female in _GENDERED_ENDINGS:
            if family.endswith(male):
                return family[: -len(male)] + female
    return family


def pick_person(rng: random.Random, *, born: int | None = None) -> tuple[str, str, str, str]:
    """(given names, family name, sex, DfE ethnicity code) for a new person born in `born`."""
    group = pick_group(rng)
    sex = FEMALE if rng.random() < 0.5 else MALE
    given = pick_given(rng, sex=sex, ethnicity=group.code, born=born)
    return given, pick_family(rng, ethnicity=group.code, sex=sex), sex, group.code


# Names a person may go by instead of their given name: short forms, pet forms and the other
# spellings of one name that records hold side by side.
NICKNAMES: dict[str, list[str]] = {
    "William": ["Bill", "Will", "Billy", "Liam"],
    "Mohammed": ["Muhammad", "Mohamed", "Mohammad", "Mo"],
    "Muhammad": ["Mohammed", "Mohamed", "Mo"],
    "Mohammad": ["Mohammed", "Muhammad", "Mo"],
    "Mohamed": ["Mohammed", "Mo"],
    "Katherine": ["Kate", "Katie", "Kathy", "Kat"],
    "Catherine": ["Cath", "Cathy", "Kate", "Katie"],
    "Kathryn": ["Kate", "Kathy"],
    "Jonathan": ["Jon", "Jonny"],
    "Aleksandra": ["Ola", "Ala", "Alex"],
    "Alexander": ["Alex", "Xander", "Sandy"],
    "Alexandru": ["Alex"],
    "Robert": ["Rob", "Bob", "Robbie", "Bobby"],
    "Richard": ["Rich", "Dick", "Richie"],
    "Thomas": ["Tom", "Tommy"],
    "James": ["Jim", "Jimmy", "Jamie"],
    "Joseph": ["Joe", "Joey"],
    "Michael": ["Mike", "Mick", "Mikey"],
    "Christopher": ["Chris", "Kit"],
    "Daniel": ["Dan", "Danny"],
    "Matthew": ["Matt", "Matty"],
    "Andrew": ["Andy", "Drew"],
    "Anthony": ["Tony", "Ant"],
    "Benjamin": ["Ben", "Benji"],
    "Samuel": ["Sam", "Sammy"],
    "Joshua": ["Josh"],
    "Nathaniel": ["Nate", "Nat"],
    "Nicholas": ["Nick", "Nicky"],
    "Edward": ["Ed", "Eddie", "Ted"],
    "Frederick": ["Fred", "Freddie"],
    "Harry": ["Haz"],
    "Charles": ["Charlie", "Chas"],
    "Stephen": ["Steve"],
    "Steven": ["Steve", "Stevie"],
    "David": ["Dave", "Davey"],
    "Peter": ["Pete"],
    "Timothy": ["Tim"],
    "Kenneth": ["Ken", "Kenny"],
    "Terence": ["Terry"],
    "Raymond": ["Ray"],
    "Callum": ["Cal"],
    "Jacob": ["Jake"],
    "Zachary": ["Zach", "Zac"],
    "Elizabeth": ["Liz", "Beth", "Lizzie", "Betty"],
    "Margaret": ["Maggie", "Peggy", "Meg"],
    "Jennifer": ["Jen", "Jenny"],
    "Rebecca": ["Becky", "Becca"],
    "Victoria": ["Vicky", "Tori"],
    "Samantha": ["Sam", "Sammy"],
    "Abigail": ["Abi", "Abby"],
    "Charlotte": ["Charlie", "Lottie"],
    "Isabella": ["Bella", "Izzy"],
    "Amelia": ["Millie", "Mia"],
    "Olivia": ["Liv", "Livvy"],
    "Jessica": ["Jess", "Jessie"],
    "Natalie": ["Nat"],
    "Kimberley": ["Kim"],
    "Stephanie": ["Steph"],
    "Danielle": ["Dani"],
    "Nicola": ["Nicky", "Nic"],
    "Deborah": ["Debbie", "Deb"],
    "Patricia": ["Pat", "Trish"],
    "Susan": ["Sue", "Suzy"],
    "Christine": ["Chris", "Chrissie"],
    "Jacqueline": ["Jackie"],
    "Gillian": ["Gill"],
    "Alison": ["Ali"],
    "Kayleigh": ["Kay"],
    "Phoebe": ["Phoebs"],
    "Matilda": ["Tilly"],
    "Harriet": ["Hattie"],
    "Katarzyna": ["Kasia"],
    "Agnieszka": ["Aga"],
    "Magdalena": ["Magda"],
    "Joanna": ["Asia", "Jo"],
    "Zuzanna": ["Zuzia"],
    "Wiktoria": ["Wika"],
    "Krzysztof": ["Krzys", "Chris"],
    "Tomasz": ["Tomek", "Tom"],
    "Piotr": ["Peter"],
    "Pawel": ["Paul"],
    "Michal": ["Michael"],
    "Jakub": ["Kuba"],
    "Anastasia": ["Nastya", "Stacey"],
    "Ibrahim": ["Ibby"],
    "Abdullah": ["Abdul"],
    "Abdullahi": ["Abdi"],
    "Yusuf": ["Yousuf", "Yousef", "Joe"],
    "Yousef": ["Yusuf", "Youssef"],
    "Hussain": ["Hussein", "Husain"],
    "Hassan": ["Hasan"],
    "Aisha": ["Ayesha", "Aysha", "Aishah"],
    "Ayesha": ["Aisha"],
    "Fatima": ["Fatema", "Fatimah"],
    "Fatema": ["Fatima"],
    "Maryam": ["Mariam", "Miriam"],
    "Mariam": ["Maryam"],
    "Zainab": ["Zaynab"],
    "Khadija": ["Khadijah"],
    "Oluwaseun": ["Seun"],
    "Oluwadamilola": ["Dami", "Lola"],
    "Olumide": ["Mide"],
    "Babajide": ["Jide"],
    "Temitope": ["Tope", "Temi"],
    "Funmilayo": ["Funmi"],
    "Oluwatobi": ["Tobi"],
    "Chinedu": ["Nedu"],
    "Ifeanyi": ["Ify"],
    "Adaeze": ["Ada"],
    "Emmanuel": ["Manny", "Emma"],
    "Nathan": ["Nate"],
    "Tyrone": ["Ty"],
    "Jermaine": ["Maine"],
    "Isaiah": ["Zay"],
    "Malachi": ["Kai"],
    "Elijah": ["Eli"],
    "Jordan": ["Jordy"],
    "Siobhan": ["Shiv"],
    "Padraig": ["Paddy", "Patrick"],
    "Patrick": ["Pat", "Paddy"],
    "Declan": ["Dec"],
    "Ciaran": ["Kieran"],
    "Kieran": ["Ciaran"],
    "Harpreet": ["Harry", "Preet"],
    "Gurpreet": ["Gary", "Preet"],
    "Jaswinder": ["Jas"],
    "Jaspreet": ["Jas"],
    "Rajinder": ["Raj"],
    "Manpreet": ["Manny"],
    "Sukhdev": ["Sukh"],
    "Navdeep": ["Nav"],
    "Parminder": ["Pam"],
    "Arjun": ["Arj"],
    "Vikram": ["Vik"],
    "Priya": ["Pri"],
    "Wei": ["William"],
    "Jun": ["Jason"],
    "Xin": ["Cindy"],
    "Ming": ["Michael"],
}


def nickname(rng: random.Random, given: str) -> str | None:
    """A name someone called `given` (its first word) may go by, or None if we know none."""
    first = given.split(maxsplit=1)[0] if given.strip() else given
    options = NICKNAMES.get(first)
    return rng.choice(options) if options else None


_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def _keyboard_neighbours() -> dict[str, str]:
    """Each letter's neighbours on a UK keyboard: either side, and the two keys touching it
    in the rows above and below (each row sits half a key to the right of the one above)."""
    neighbours = {}
    for r, row in enumerate(_KEYBOARD):
        for c, key in enumerate(row):
            near = [(r, c - 1), (r, c + 1), (r - 1, c), (r - 1, c + 1), (r + 1, c - 1), (r + 1, c)]
            neighbours[key] = "".join(
                _KEYBOARD[i][j]
                for i, j in near
                if 0 <= i < len(_KEYBOARD) and 0 <= j < len(_KEYBOARD[i])
            )
    return neighbours


_NEIGHBOURS = _keyboard_neighbours()

# Spellings that sound alike, both ways round: what a name heard over the phone becomes.
_SOUNDS: list[tuple[str, str]] = [
    ("ph", "f"),
    ("ie", "y"),
    ("ey", "y"),
    ("ck", "k"),
    ("c", "k"),
    ("s", "z"),
    ("ee", "ea"),
    ("ai", "ay"),
    ("oo", "u"),
    ("ou", "u"),
    ("ll", "l"),
    ("mm", "m"),
    ("nn", "n"),
    ("tt", "t"),
    ("ss", "s"),
    ("i", "y"),
    ("ed", "ad"),
    ("o", "u"),
    ("th", "t"),
    ("w", "v"),
    ("j", "g"),
    ("ah", "a"),
    ("ine", "een"),
]


def _letters(word: str) -> list[int]:
    return [i for i, c in enumerate(word) if c.isalpha()]


def _drop(rng: random.Random, word: str) -> str:
    positions = _letters(word)[1:] or _letters(word)
    if len(positions) < 2:
        return word
    i = rng.choice(positions)
    return word[:i] + word[i + 1 :]


def _double(rng: random.Random, word: str) -> str:
    i = rng.choice(_letters(word)[1:] or _letters(word))
    return word[: i + 1] + word[i].lower() + word[i + 1 :]


def _swap(rng: random.Random, word: str) -> str:
    pairs = [i for i in range(1, len(word) - 1) if word[i].isalpha() and word[i + 1].isalpha()]
    if not pairs:
        return word
    i = rng.choice(pairs)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _neighbour_key(rng: random.Random, word: str) -> str:
    positions = [i for i in _letters(word)[1:] if word[i].lower() in _NEIGHBOURS]
    if not positions:
        return word
    i = rng.choice(positions)
    return word[:i] + rng.choice(_NEIGHBOURS[word[i].lower()]) + word[i + 1 :]


def _sound_alike(rng: random.Random, word: str) -> str:
    lower = word.lower()
    options = [
        (start, old, new)
        for a, b in _SOUNDS
        for old, new in ((a, b), (b, a))
        for start in range(len(lower))
        if lower.startswith(old, start)
    ]
    if not options:
        return word
    start, old, new = rng.choice(options)
    if start == 0 and word[:1].isupper():
        new = new.capitalize()
    return word[:start] + new + word[start + len(old) :]


_TYPOS = [(_drop, 0.25), (_double, 0.12), (_swap, 0.2), (_neighbour_key, 0.13), (_sound_alike, 0.3)]
_TYPO_WEIGHTS = list(accumulate(weight for _, weight in _TYPOS))


def misspell(rng: random.Random, name: str) -> str:
    """`name` with one believable mistake: a letter dropped, doubled or swapped with the
    next, a neighbouring key hit, or a spelling that sounds the same (ph/f, ie/y, c/k...).
    The first letter is kept, as people mostly get it right, except where a sound-alike
    spelling changes it (Catherine, Katherine). Always differs from `name` unless it is a
    single letter."""
    for _ in range(20):
        typo = _TYPOS[bisect(_TYPO_WEIGHTS, rng.random() * _TYPO_WEIGHTS[-1])][0]
        changed = typo(rng, name)
        if changed.lower() != name.lower():
            return changed
    return name
